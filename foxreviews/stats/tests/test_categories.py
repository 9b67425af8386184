"""GET /api/categories/: the taxonomy a client needs to filter the listings (slugs, names, NAF
codes), with the open entreprises of each sous-catégorie as of the last recount, in one query."""

import pytest
from django.db.models import Count

from foxreviews.category.models import Categorie, NafCode, SousCategorie
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.stats.services import statistics_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

NAF_CODES = ["10.71C", "10.71D", "56.10A", "56.10C", "45.20A", "43.22A", "96.02A"]


@pytest.fixture
def directory():
    for n in range(60):
        EntrepriseFactory(
            ville=None,
            naf_code=NAF_CODES[n % len(NAF_CODES)] if n % 11 else "",  # some without a code
            etat_administratif="F" if n % 4 == 0 else "A",
        )
    statistics_refresh()


def _open_by_sous_categorie() -> dict[str, int]:
    """COUNT over the directory, through the NAF mapping, for every sous-catégorie."""
    counts = dict.fromkeys(SousCategorie.objects.values_list("slug", flat=True), 0)
    rows = (
        Entreprise.objects.filter(etat_administratif="A").values("naf_code").annotate(n=Count("id"))
    )
    naf = dict(NafCode.objects.filter(sous_categorie__isnull=False).values_list(
        "code", "sous_categorie__slug"
    ))  # fmt: skip
    for row in rows:
        if row["naf_code"] in naf:
            counts[naf[row["naf_code"]]] += row["n"]
    return counts


def test_every_sous_categorie_counts_its_open_entreprises(client, directory):
    body = client.get("/api/categories/").json()
    got = {
        s["slug"]: s["entreprises_actives"] for c in body["results"] for s in c["sous_categories"]
    }
    expected = _open_by_sous_categorie()
    assert got == expected
    assert (
        sum(expected.values())
        == Entreprise.objects.filter(etat_administratif="A", naf_code__in=NAF_CODES).count()
        > 30
    )
    per_categorie = {c["slug"]: c["entreprises_actives"] for c in body["results"]}
    assert per_categorie == {
        c.slug: sum(expected[s.slug] for s in c.sous_categories.all())
        for c in Categorie.objects.prefetch_related("sous_categories")
    }


def test_the_categories_come_in_the_taxonomy_order_with_their_names_and_naf_codes(
    client, directory
):
    body = client.get("/api/categories/").json()
    assert [c["slug"] for c in body["results"]] == list(
        Categorie.objects.order_by("ordre", "nom").values_list("slug", flat=True)
    )
    restaurant = NafCode.objects.get(code="56.10A").sous_categorie
    categorie = next(c for c in body["results"] if c["slug"] == restaurant.categorie.slug)
    assert categorie["nom"] == restaurant.categorie.nom == "Restaurants & cafés"
    assert categorie["description"] == restaurant.categorie.description
    sous_categorie = next(s for s in categorie["sous_categories"] if s["slug"] == restaurant.slug)
    open_ones = Entreprise.objects.filter(
        etat_administratif="A", naf_code__in=restaurant.naf_codes.values("code")
    )
    assert sous_categorie == {
        "slug": restaurant.slug,
        "nom": restaurant.nom,
        "nom_public": restaurant.nom_public or restaurant.nom,
        "description": restaurant.description,
        "entreprises_actives": open_ones.count(),
        "naf_codes": [
            {"code": n.code, "libelle": n.libelle} for n in restaurant.naf_codes.order_by("code")
        ],
    }
    assert sous_categorie["nom_public"] == restaurant.visitor_name  # what visitors read
    assert {"code": "56.10A", "libelle": "Restauration traditionnelle"} in sous_categorie[
        "naf_codes"
    ]
    assert [s["nom"] for s in categorie["sous_categories"]] == sorted(
        s["nom"] for s in categorie["sous_categories"]
    )
    listed = sum(len(s["naf_codes"]) for c in body["results"] for s in c["sous_categories"])
    assert listed == NafCode.objects.filter(sous_categorie__isnull=False).count() > 700


def test_the_counts_are_those_of_the_last_recount(client, directory):
    before = client.get("/api/categories/").json()
    EntrepriseFactory(ville=None, naf_code="56.10A", etat_administratif="A")
    new = SousCategorie.objects.create(
        categorie=Categorie.objects.get(slug="restaurants-cafes"), nom="Guinguettes",
        slug="guinguettes",
    )  # fmt: skip
    after = client.get("/api/categories/").json()
    assert after["refreshed_at"] == before["refreshed_at"]
    counts = {
        s["slug"]: s["entreprises_actives"] for c in after["results"] for s in c["sous_categories"]
    }
    assert counts["guinguettes"] == 0
    restaurant = NafCode.objects.get(code="56.10A").sous_categorie.slug
    assert counts[restaurant] == _open_by_sous_categorie()[restaurant] - 1
    statistics_refresh()
    refreshed = client.get("/api/categories/").json()
    counts = {
        s["slug"]: s["entreprises_actives"]
        for c in refreshed["results"]
        for s in c["sous_categories"]
    }
    assert counts == _open_by_sous_categorie()
    assert new.slug in counts


def test_the_categories_are_one_query(client, directory, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/categories/")
    assert response.status_code == 200
    assert len(response.json()["results"]) == Categorie.objects.count() == 20
