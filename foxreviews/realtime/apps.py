from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "foxreviews.realtime"
    label = "realtime"
    verbose_name = "Temps réel"
