from django.apps import AppConfig


class AiConfig(AppConfig):
    name = "foxreviews.ai"
    label = "ai"
    verbose_name = "Descriptions (IA)"
