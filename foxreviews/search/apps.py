from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "foxreviews.search"
    label = "search"
    verbose_name = "Recherche"
