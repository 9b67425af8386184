"""Writes on users."""

from django.db import transaction

from .models import User


@transaction.atomic
def admin_user_ensure(*, username: str, password: str, email: str = "") -> tuple[User, bool]:
    """Create the platform administrator if missing, else reset its password; (user, created)."""
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"email": email, "is_staff": True, "is_superuser": True, "role": User.Role.ADMIN},
    )
    user.is_staff = user.is_superuser = user.is_active = True
    user.role = User.Role.ADMIN
    user.set_password(password)
    user.save()
    return user, created
