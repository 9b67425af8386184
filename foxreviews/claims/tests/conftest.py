"""Fixtures of the claims' tests: a private folder per test, établissements, accounts."""

import random

import pytest

from foxreviews.core.siret import make_siret
from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.users.tests.factories import UserFactory

from .helpers import SIREN


@pytest.fixture(autouse=True)
def documents_dir(settings, tmp_path):
    settings.CLAIM_DOCUMENTS_DIR = str(tmp_path / "revendications")
    return tmp_path / "revendications"


@pytest.fixture
def etablissements(db):
    """Three établissements of one SIREN (a siège and two shops, accents in their names), and
    one of another SIREN."""
    rng = random.Random(24)
    ours = [
        EntrepriseFactory(siret=make_siret(SIREN, rng), nom=nom, ville=None)
        for nom in ("Boulangerie Émile — siège", "Émile Croix-Rousse", "Émile Confluence")
    ]
    other = EntrepriseFactory(nom="Crêperie d'à côté", ville=None)
    return ours, other


@pytest.fixture
def claimant():
    return UserFactory(username="emile", email="emile@boulangerie-emile.fr")


@pytest.fixture
def rival():
    return UserFactory(username="rival", email="rival@exemple.fr")


@pytest.fixture
def staff():
    return UserFactory(username="moderatrice", email="mod@foxreviews.fr", is_staff=True)
