"""The platform's User: Django's user with a role."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", "Administrateur"
        PRO = "pro", "Professionnel"
        VISITOR = "visitor", "Visiteur"

    role = models.CharField("rôle", max_length=16, choices=Role.choices, default=Role.VISITOR)
    # the name shown on the account's avis (an avis keeps the one it was posted with)
    nom_affiche = models.CharField("nom affiché", max_length=60, blank=True)

    class Meta:
        verbose_name = "utilisateur"
        indexes = [models.Index(fields=["role"], name="user_role_idx")]

    @property
    def is_pro(self) -> bool:
        return self.role == self.Role.PRO
