from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "foxreviews.reports"
    label = "reports"
    verbose_name = "Rapports"
