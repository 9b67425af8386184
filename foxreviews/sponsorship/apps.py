from django.apps import AppConfig


class SponsorshipConfig(AppConfig):
    name = "foxreviews.sponsorship"
    label = "sponsorship"
    verbose_name = "Sponsorisations"
