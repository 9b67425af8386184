from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "foxreviews.backups"
    label = "backups"
    verbose_name = "Sauvegardes"
