from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    """Loads the reference data, above the apps that own it (location, category)."""

    name = "foxreviews.reference"
    label = "reference"
