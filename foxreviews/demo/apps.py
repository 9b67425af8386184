from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data set: above every app it fills (entreprises, avis, sponsorisations)."""

    name = "foxreviews.demo"
    label = "demo"
