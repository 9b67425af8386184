"""/api/entreprises/{siret}/similaires/: the same activity in the same ville first, then in the
département, by vector; never itself, never a closed one; a bounded number of queries."""

import pytest

from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.semantic.tests.conftest import ville

pytestmark = pytest.mark.django_db


def test_similar_pros_same_ville_first_then_the_departement(client, directory):
    response = client.get(f"/api/entreprises/{directory['kerjean'].siret}/similaires/")
    assert response.status_code == 200, response.content
    rows = response.json()["results"]
    # Le Gall (43.22B: the same sous-catégorie) in Quiberon, then Vannes; Kerbiriou is closed
    assert [(row["nom"], row["same_ville"]) for row in rows] == [
        ("Le Gall Énergies", True),
        ("Morbihan Services", False),
    ]
    assert all(0 < row["similarity"] <= 1 for row in rows)


def test_hairdressers_and_barbers_are_alike(client, directory):
    response = client.get(f"/api/entreprises/{directory['hair_dieulefit'].siret}/similaires/")
    assert [row["nom"] for row in response.json()["results"]] == [
        "Chez Marco", "Nougat Coiffure",
    ]  # fmt: skip


def test_the_query_count_is_pinned(client, directory, django_assert_num_queries):
    siret = directory["kerjean"].siret
    client.get(f"/api/entreprises/{siret}/similaires/")  # the process's caches warm
    # the availability (cached), the entreprise, its ville's candidates ranked, its
    # département's ranked (the ville does not fill a page), the chosen rows
    with django_assert_num_queries(4):
        response = client.get(f"/api/entreprises/{siret}/similaires/")
    assert response.status_code == 200


def test_an_unknown_siret_is_a_404(client, directory):
    response = client.get("/api/entreprises/00000000000000/similaires/")
    assert response.status_code == 404
    assert response.json() == {
        "message": "Aucune entreprise avec le SIRET 00000000000000.",
        "extra": {},
    }


def test_an_entreprise_not_embedded_yet_still_gets_its_neighbours(client, directory):
    late = EntrepriseFactory(nom="Nouveau Plombier", ville=ville("56186"), naf_code="43.22A")
    response = client.get(f"/api/entreprises/{late.siret}/similaires/")
    assert [row["nom"] for row in response.json()["results"]] == [
        "SARL KERJEAN", "Le Gall Énergies", "Morbihan Services",
    ]  # fmt: skip
