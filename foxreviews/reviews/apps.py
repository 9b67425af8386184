from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "foxreviews.reviews"
    label = "reviews"
    verbose_name = "Avis"
