from django.apps import AppConfig


class EnterpriseConfig(AppConfig):
    name = "foxreviews.enterprise"
    label = "enterprise"
    verbose_name = "Entreprises"
