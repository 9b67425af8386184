"""What the entreprise list shows of each entreprise, field by field."""

import datetime

import pytest
from django.utils import timezone

from foxreviews.enterprise.api.serializers import EntrepriseListSerializer
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.selectors import entreprise_list
from foxreviews.enterprise.tests.factories import EntrepriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


@pytest.mark.parametrize(
    ("zone", "created"),
    [("Europe/Paris", "2024-02-29T13:30:00+01:00"), ("UTC", "2024-02-29T12:30:00Z")],
)
def test_a_row_of_the_list_in_the_current_time_zone(zone, created):
    at = datetime.datetime(2024, 2, 29, 12, 30, tzinfo=datetime.UTC)
    entreprise = EntrepriseFactory(date_creation=datetime.date(1999, 12, 31), enseigne="L'Œil")
    Entreprise.objects.filter(pk=entreprise.pk).update(created_at=at)
    closed = EntrepriseFactory(ville=None, date_creation=None, etat_administratif="F")
    with timezone.override(zone):
        rows = {row["id"]: row for row in entreprise_list()}
        data = EntrepriseListSerializer(rows[entreprise.id]).data
        other = EntrepriseListSerializer(rows[closed.id]).data
    ville = entreprise.ville
    assert data == {
        "siret": entreprise.siret, "siren": entreprise.siret[:9], "nom": entreprise.nom,
        "enseigne": "L'Œil", "naf_code": entreprise.naf_code, "adresse": entreprise.adresse,
        "code_postal": entreprise.code_postal,
        "ville": {"code_insee": ville.code_insee, "nom": ville.nom, "slug": ville.slug},
        "etat_administratif": "A", "date_creation": "1999-12-31", "created_at": created,
    }  # fmt: skip
    assert other["ville"] is None and other["date_creation"] is None
    assert other["etat_administratif"] == "F"
