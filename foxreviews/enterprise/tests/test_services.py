import pytest
from django.db import IntegrityError

from foxreviews.core.exceptions import ApplicationError
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.services import entreprise_create
from foxreviews.enterprise.tests.factories import EntrepriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]

VALID_SIRET = "73282932000074"  # a real, valid SIRET (check digits pass)
LA_POSTE_SIRET = "35600000000048"  # La Poste: its établissements fail Luhn, stdnum knows it


def test_entreprise_create_derives_siren_and_nic():
    entreprise = entreprise_create(siret="732 829 320 00074", nom=" Boulangerie Martin ")
    assert (entreprise.siren, entreprise.nic, entreprise.nom) == (
        "732829320", "00074", "Boulangerie Martin",
    )  # fmt: skip


def test_la_poste_exception_is_accepted():
    assert entreprise_create(siret=LA_POSTE_SIRET, nom="La Poste").siren == "356000000"


@pytest.mark.parametrize(
    ("siret", "reason"),
    [
        ("73282932000075", "clé de contrôle invalide"),
        ("7328293200007", "doit comporter 14 chiffres"),
        ("7328293200007A", "ne doit contenir que des chiffres"),
    ],
)
def test_invalid_siret_is_refused_with_a_clear_message(siret, reason):
    with pytest.raises(ApplicationError) as excinfo:
        entreprise_create(siret=siret, nom="X")
    assert excinfo.value.message == f"SIRET {siret!r} invalide : {reason}."
    assert Entreprise.objects.count() == 0


def test_duplicate_siret_is_refused_and_the_first_row_is_kept():
    first = entreprise_create(siret=VALID_SIRET, nom="Premier")
    with pytest.raises(ApplicationError, match="existe déjà"):
        entreprise_create(siret=VALID_SIRET, nom="Second")
    assert list(Entreprise.objects.values_list("id", "nom")) == [(first.id, "Premier")]


def test_the_database_itself_refuses_a_duplicate_siret():
    existing = EntrepriseFactory()
    with pytest.raises(IntegrityError, match="siret"):
        Entreprise.objects.create(
            siret=existing.siret, siren=existing.siren, nic=existing.nic, nom="Doublon"
        )


def test_the_database_refuses_a_siret_that_does_not_match_its_siren():
    with pytest.raises(IntegrityError, match="entreprise_siren_nic_match_siret"):
        Entreprise.objects.create(siret=VALID_SIRET, siren="111111111", nic="00074", nom="X")
