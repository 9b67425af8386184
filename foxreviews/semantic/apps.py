from django.apps import AppConfig


class SemanticConfig(AppConfig):
    name = "foxreviews.semantic"
    label = "semantic"
    verbose_name = "Recherche sémantique"
