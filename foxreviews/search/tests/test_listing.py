"""The listing a visitor sees: a ville's pro-localisations in a sous-catégorie, sponsored now
first, then the best rated (unrated last), cursor pages, one query, 400s."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from foxreviews.category.models import SousCategorie
from foxreviews.enterprise.tests.factories import ProLocalisationFactory
from foxreviews.location.models import Ville
from foxreviews.sponsorship.models import Sponsorisation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def place():
    lyon = Ville.objects.get(code_insee="69123")
    sous_categorie = SousCategorie.objects.order_by("id").first()
    return lyon, sous_categorie


def _proloc(place, note=None, avis=0, **kwargs):
    ville, sous_categorie = place
    return ProLocalisationFactory(
        entreprise__ville=ville, sous_categorie=sous_categorie, note_moyenne=note,
        nombre_avis=avis, **kwargs,
    )  # fmt: skip


def _sponsor(proloc, *, days_left: int):
    now = timezone.now()
    Sponsorisation.objects.create(
        prolocalisation=proloc, date_debut=now - timedelta(days=10),
        date_fin=now + timedelta(days=days_left), montant=Decimal("49.00"),
    )  # fmt: skip


def _params(place, **more):
    return {"ville": place[0].code_insee, "sous_categorie": place[1].slug, **more}


def test_sponsored_first_then_best_rated_then_unrated(client, place):
    unrated = _proloc(place)
    good = _proloc(place, Decimal("4.50"), 12)
    better = _proloc(place, Decimal("4.90"), 3)
    tie_more_avis = _proloc(place, Decimal("4.50"), 40)
    sponsored = _proloc(place, Decimal("2.00"), 1)
    _sponsor(sponsored, days_left=5)
    expired = _proloc(place, Decimal("1.50"), 1)
    _sponsor(expired, days_left=-1)  # ended yesterday, not yet swept by the expiry task
    _proloc(place, Decimal("5.00"), is_active=False)  # a stale one: never listed
    elsewhere = ProLocalisationFactory(
        entreprise__ville=Ville.objects.get(code_insee="69266"), sous_categorie=place[1]
    )
    response = client.get("/api/prolocalisations/", _params(place))
    assert response.status_code == 200, response.content
    ids = [p["id"] for p in response.json()["results"]]
    assert ids == [sponsored.id, better.id, tie_more_avis.id, good.id, expired.id, unrated.id]
    assert elsewhere.id not in ids
    first = response.json()["results"][0]
    assert first["sponsored"] is True
    assert first["entreprise"]["siret"] == sponsored.entreprise.siret
    assert first["ville"]["code_insee"] == "69123"


def test_pages_neither_skip_nor_repeat(walk_pages, place):
    made = [_proloc(place, Decimal(n % 5 + 1)) for n in range(13)] + [_proloc(place)] * 1
    _sponsor(made[4], days_left=3)
    pages = walk_pages("/api/prolocalisations/", _params(place, page_size=3))
    ids = [p["id"] for page in pages for p in page["results"]]
    assert len(ids) == len(set(ids)) == 14
    assert ids[0] == made[4].id


def test_one_query_whatever_the_page_size(client, place, django_assert_num_queries):
    for n in range(25):
        _proloc(place, Decimal(n % 5 + 1))
    for size in (1, 10, 25):
        with django_assert_num_queries(1):
            response = client.get("/api/prolocalisations/", _params(place, page_size=size))
        assert len(response.json()["results"]) == size


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sous_categorie": "boulangerie"}, "ville"),
        ({"ville": "69123"}, "sous_categorie"),
        ({"ville": "Lyon", "sous_categorie": "boulangerie"}, "ville"),
        ({"ville": "69123", "sous_categorie": "Boulangerie!"}, "sous_categorie"),
    ],
)
def test_missing_or_bad_parameters_get_a_400(client, params, field):
    response = client.get("/api/prolocalisations/", params)
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
