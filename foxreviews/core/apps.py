from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "foxreviews.core"
    label = "core"
    verbose_name = "Plateforme"
