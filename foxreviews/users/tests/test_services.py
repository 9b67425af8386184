"""admin_user_ensure: the platform administrator exists, with the password `up` was given."""

import pytest

from foxreviews.users.models import User
from foxreviews.users.services import admin_user_ensure
from foxreviews.users.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _admin_fields(user: User) -> tuple:
    return (user.is_staff, user.is_superuser, user.is_active, user.role)


def test_a_missing_administrator_is_created_with_the_password_and_email():
    user, created = admin_user_ensure(
        username="admin", password="s3cret-élevé", email="admin@foxreviews.fr"
    )
    assert created is True
    stored = User.objects.get()
    assert stored.pk == user.pk
    assert (stored.username, stored.email) == ("admin", "admin@foxreviews.fr")
    assert _admin_fields(stored) == (True, True, True, User.Role.ADMIN)
    assert stored.check_password("s3cret-élevé")
    assert not stored.check_password(PASSWORD)


def test_an_existing_account_is_promoted_and_gets_the_new_password():
    existing = UserFactory(
        username="admin", email="ancien@exemple.fr", is_active=False, role=User.Role.PRO
    )
    user, created = admin_user_ensure(
        username="admin", password="nouveau-mot-de-passe", email="autre@exemple.fr"
    )
    assert created is False
    assert user.pk == existing.pk
    stored = User.objects.get()
    assert _admin_fields(stored) == (True, True, True, User.Role.ADMIN)
    assert stored.check_password("nouveau-mot-de-passe")
    assert not stored.check_password(PASSWORD)
    # the email is a default for a new account only: the existing one keeps its own
    assert (stored.email, stored.first_name) == ("ancien@exemple.fr", "Hélène")


def test_a_second_call_resets_the_password_of_the_same_account():
    first, created_first = admin_user_ensure(username="admin", password="premier-123")
    second, created_second = admin_user_ensure(username="admin", password="second-456")
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert User.objects.count() == 1
    stored = User.objects.get()
    assert stored.check_password("second-456")
    assert not stored.check_password("premier-123")


def test_other_accounts_are_left_alone():
    visitor = UserFactory(username="visiteur")
    admin_user_ensure(username="admin", password="s3cret-123")
    visitor.refresh_from_db()
    assert _admin_fields(visitor) == (False, False, True, User.Role.VISITOR)
    assert visitor.check_password(PASSWORD)
    assert sorted(User.objects.values_list("username", flat=True)) == ["admin", "visiteur"]
