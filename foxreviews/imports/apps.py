from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "foxreviews.imports"
    label = "imports"
    verbose_name = "Imports"
