from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "foxreviews.users"
    label = "users"
    verbose_name = "Utilisateurs"
