from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "foxreviews.stats"
    label = "stats"
    verbose_name = "Statistiques"
