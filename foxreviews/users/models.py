"""The platform's User: Django's user with a role."""

from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    class Role(models.TextChoices):
        ADMIN = "admin", "Administrateur"
        PRO = "pro", "Professionnel"
        VISITOR = "visitor", "Visiteur"

    role = models.CharField("rôle", max_length=16, choices=Role.choices, default=Role.VISITOR)

    class Meta:
        verbose_name = "utilisateur"
        indexes = [models.Index(fields=["role"], name="user_role_idx")]

    @property
    def is_pro(self) -> bool:
        return self.role == self.Role.PRO
