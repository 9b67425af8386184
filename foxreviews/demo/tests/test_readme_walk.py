"""The README's first walk through, run on the demo data set: every example answers what it says."""

import re
from pathlib import Path

import pytest

from foxreviews.demo.services import demo_data_load
from foxreviews.demo.showcase import SHOWCASE
from foxreviews.enterprise.models import Entreprise

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

README = Path(__file__).resolve().parents[3] / "README.md"


def _walk_paths() -> list[str]:
    text = README.read_text(encoding="utf-8")
    block = text.split("## A first walk through", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return re.findall(r'^curl "\$API(/[^"]+)"', block, flags=re.MULTILINE)


def _noms(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["nom"] for row in response.json()["results"]]


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # the statistics' recount, at once
        demo_data_load(count=len(SHOWCASE) + 40, seed=42)


def test_every_example_of_the_walk_through_answers_something(client, demo):
    paths = _walk_paths()
    assert len(paths) == 16, paths
    siret = Entreprise.objects.get(nom="Clin d'Œil").siret
    for path in paths:
        response = client.get("/api" + path.replace("<siret>", siret))
        assert response.status_code == 200, (path, response.content)
        body = response.json()
        if path.startswith("/stats/"):
            assert body["entreprises"] == len(SHOWCASE) + 40
        elif path.startswith("/entreprises/<siret>"):
            assert body["nom"] == "Clin d'Œil"
            assert len(body["prolocalisations"]) == 1
        else:
            results = body if isinstance(body, list) else body["results"]
            assert results, path
        if path.startswith("/categories/"):
            slugs = {s["slug"] for c in results for s in c["sous_categories"]}
            assert "boulangerie-et-boulangerie-patisserie" in slugs


def test_the_search_examples_find_what_the_readme_says(client, demo):
    lyon_boulangeries = {
        "Au Fournil de la Croix-Rousse", "Boulangerie Lemaître", "Boulangerie Bellecour",
        "SARL Lemaître",
    }  # fmt: skip
    response = client.get("/api/search/", {"q": "boulangrie", "ville": "69123"})
    assert set(_noms(response)) == lyon_boulangeries
    assert _noms(client.get("/api/search/", {"q": "clien d oeil"}))[0] == "Clin d'Œil"
    assert "Plomberie Oberkampf" in _noms(client.get("/api/search/", {"q": "plombier paris"}))
    assert "Plomberie Oberkampf" in _noms(client.get("/api/search/", {"q": "paris 11e"}))
    assert "Estaminet du Vieux-Lille" in _noms(client.get("/api/search/", {"q": "restaurant nord"}))
    assert "Pizzeria du Prado" in _noms(client.get("/api/search/", {"q": "marseille 8"}))
    assert {"Boulangerie Lemaître", "Clin d'Œil"} <= set(
        _noms(client.get("/api/search/", {"q": "69003"}))
    )
    assert set(_noms(client.get("/api/search/", {"q": "boulangerie lemaitre lyon"}))) == {
        "Boulangerie Lemaître", "SARL Lemaître",
    }  # fmt: skip
    assert "Plomberie de la Presqu'île" in _noms(
        client.get("/api/search/", {"q": "plombier quiberon"})
    )
    assert _noms(client.get("/api/search/", {"q": "coiffure nancy"})) == [
        "Salon de coiffure Stanislas"
    ]
    assert _noms(client.get("/api/search/", {"q": 'coiffure "nancy"'})) == ["Coiffure Nancy"]


def test_the_listing_example_shows_the_sponsored_first_then_the_best_rated(client, demo):
    response = client.get(
        "/api/prolocalisations/",
        {"ville": "69123", "sous_categorie": "boulangerie-et-boulangerie-patisserie"},
    )
    assert response.status_code == 200, response.content
    rows = [
        (r["entreprise"]["nom"], r["sponsored"], r["note_moyenne"], r["nombre_avis"])
        for r in response.json()["results"]
    ]
    assert rows == [
        ("Au Fournil de la Croix-Rousse", True, None, 0),
        ("Boulangerie Lemaître", False, "4.67", 3),
        ("SARL Lemaître", False, "4.00", 1),
        ("Boulangerie Bellecour", False, "3.50", 2),
    ]
