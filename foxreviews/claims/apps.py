from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "foxreviews.claims"
    label = "claims"
    verbose_name = "Revendications d'entreprises"
