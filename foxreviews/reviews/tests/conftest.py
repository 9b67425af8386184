"""Accounts and a pro-localisation for the avis tests."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.users.models import User
from foxreviews.users.tests.factories import UserFactory


def verified_user(name: str, **fields) -> User:
    address = f"{name}@exemple.fr"
    fields.setdefault("nom_affiche", name.capitalize())
    user = UserFactory(username=address, email=address, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


@pytest.fixture
def proloc(own_geography):
    return ProLocalisationFactory(entreprise__nom="Boulangerie Lemaître")


@pytest.fixture
def lea(db):
    return verified_user("lea")


@pytest.fixture
def tom(db):
    return verified_user("tom")


@pytest.fixture
def staff(db):
    return UserFactory(username="moderatrice", is_staff=True, role=User.Role.ADMIN)


def avis_payload(**changes) -> dict:
    return {
        "note": 4,
        "titre": "Pain excellent",
        "texte": "Une baguette croustillante et un accueil souriant, je reviendrai.",
        "date_experience": (timezone.localdate() - timedelta(days=3)).isoformat(),
        **changes,
    }
