"""Keyset pagination on a freshly bulk-imported table, where a whole chunk of rows shares one
created_at: every row exactly once, both ways, while rows arrive; a forged cursor is a 400;
a deep page is read from an index, never sorted; a filter or a search after the list's pages
gets only its own rows."""

import base64
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import
from foxreviews.imports.sirene.generator import generate
from foxreviews.location.models import Ville

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

ROWS = 3_000
ORDERINGS = ["-created", "created", "nom"]


@pytest.fixture
def imported(tmp_path) -> set[str]:
    """One chunk: every entreprise gets the same created_at."""
    path = tmp_path / "stock.csv"
    generate(rows=ROWS, out=path, seed=12)
    options = BulkImportOptions(progress=False, batch_size=ROWS, rejects_path=tmp_path / "r")
    sirene_bulk_import(path=path, options=options)
    assert Entreprise.objects.values("created_at").distinct().count() == 1
    return set(Entreprise.objects.values_list("siret", flat=True))


def _sirets(pages) -> list[str]:
    return [e["siret"] for page in pages for e in page["results"]]


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_a_walk_sees_every_imported_row_once(walk_pages, imported, ordering):
    pages = walk_pages("/api/entreprises/", {"page_size": 100, "ordering": ordering})
    sirets = _sirets(pages)
    assert len(sirets) == len(imported) and set(sirets) == imported
    assert len(pages) == -(-len(imported) // 100)


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_rows_inserted_between_pages_neither_skip_nor_repeat_one(walk_pages, imported, ordering):
    ville = Ville.objects.get(code_insee="69123")

    def insert():
        EntrepriseFactory.create_batch(3, nom="Zz nouvelle entreprise", ville=ville)

    pages = walk_pages(
        "/api/entreprises/", {"page_size": 100, "ordering": ordering}, between=insert
    )
    sirets = _sirets(pages)
    assert len(sirets) == len(set(sirets))  # nothing twice
    assert imported <= set(sirets)  # nothing that was there is skipped


@pytest.mark.parametrize("ordering", ORDERINGS)
def test_previous_walks_back_through_the_same_pages(walk_pages, imported, ordering):
    forward = walk_pages("/api/entreprises/", {"page_size": 100, "ordering": ordering})
    assert forward[0]["previous"] is None
    backward = walk_pages(forward[-1]["previous"], link="previous")
    expected = [page["results"] for page in forward[:-1]]
    assert [page["results"] for page in reversed(backward)] == expected


@pytest.mark.parametrize(
    ("ordering", "scan"),
    [
        ("-created", "Index Scan Backward using entreprise_created_id_idx"),
        ("created", "Index Scan using entreprise_created_id_idx"),
        ("nom", "Index Scan using entreprise_nom_id_idx"),
    ],
)
def test_a_deep_page_runs_one_query_read_from_an_index(
    client, walk_pages, imported, ordering, scan
):
    deep = walk_pages("/api/entreprises/", {"page_size": 100, "ordering": ordering})[-5]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(deep["next"]).status_code == 200
    assert len(queries) == 1
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enterprise_entreprise")
        cursor.execute(f"EXPLAIN {queries[0]['sql']}")
        plan = "\n".join(line for (line,) in cursor.fetchall())
    assert scan in plan, plan
    assert "Sort" not in plan, plan


def _token(data) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!",
        _token({"o": "nom", "v": ["A", 1], "p": False}),  # another ordering's cursor
        _token({"o": "-created", "v": ["2025-01-01T00:00:00+00:00"], "p": False}),
        _token({"o": "-created", "v": ["not a date", 1], "p": False}),
        _token({"o": "-created", "v": ["2025-01-01T00:00:00+00:00", 2**70], "p": False}),
        _token({"o": "-created", "v": ["2025-01-01T00:00:00+00:00", "1\x00"], "p": False}),
        _token({"o": "-created", "v": ["2025-01-01T00:00:00+00:00", 1], "p": "yes"}),
        _token(["a list"]),
    ],
)
def test_a_forged_cursor_is_a_400(client, cursor):
    response = client.get(f"/api/entreprises/?cursor={cursor}")
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Paramètres invalides. cursor : Curseur invalide : suivez les liens next/previous."
    )


@pytest.mark.parametrize("size", ["abc", "-5", "null", "0", "101", "1.5", "", "٣"])
def test_a_page_size_out_of_range_is_a_400_naming_the_range(client, size):
    response = client.get("/api/entreprises/", {"page_size": size})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Paramètres invalides. page_size : Un entier entre 1 et 100 est attendu."
    )


# -- a filter or a search after the list's own pages -----------------------------------------
def test_a_filter_after_unfiltered_pages_gets_only_its_rows(client, walk_pages, imported):
    walk_pages("/api/entreprises/", {"page_size": 20})
    lyon = Ville.objects.get(code_insee="69123")
    expected = set(Entreprise.objects.filter(ville=lyon).values_list("siret", flat=True))
    assert 10 < len(expected) < len(imported)
    pages = walk_pages("/api/entreprises/", {"page_size": 20, "ville": "69123"})
    assert set(_sirets(pages)) == expected and len(_sirets(pages)) == len(expected)
    closed = client.get("/api/entreprises/", {"page_size": 100, "etat_administratif": "F"})
    assert {e["etat_administratif"] for e in closed.json()["results"]} == {"F"}


def test_a_search_after_the_lists_pages_gets_the_same_rows(client, walk_pages, imported):
    word = Entreprise.objects.order_by("id").values_list("nom", flat=True)[0].split()[0]

    def search() -> list[str]:
        first = client.get("/api/search/", {"q": word, "page_size": 3}).json()
        second = client.get(first["next"]).json()
        return [e["siret"] for page in (first, second) for e in page["results"]]

    alone = search()
    walk_pages("/api/entreprises/", {"page_size": 100})
    assert search() == alone
    assert len(set(alone)) == 6
    noms = Entreprise.objects.filter(siret__in=alone).values_list("nom", flat=True)
    assert all(word.lower() in nom.lower() for nom in noms), (word, noms)
