from django.apps import AppConfig


class LocationConfig(AppConfig):
    name = "foxreviews.location"
    label = "location"
    verbose_name = "Géographie"
