from django.apps import AppConfig


class CategoryConfig(AppConfig):
    name = "foxreviews.category"
    label = "category"
    verbose_name = "Catégories"
