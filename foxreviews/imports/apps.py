"""The imports app: SIRENE stock files, the INSEE sync and uploads, and their ImportLogs."""

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "foxreviews.imports"
    label = "imports"
    verbose_name = "Imports"
