from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "foxreviews.dashboard"
    label = "dashboard"
    verbose_name = "Tableau de bord"
