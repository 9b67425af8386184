from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "foxreviews.orders"
    label = "orders"
    verbose_name = "Commandes de sponsorisation"
