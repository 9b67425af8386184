"""/api/search/ by need: the place read by the understanding, the need by the vectors, fused
with the lexical ranking; mode=lexical|semantic|hybrid."""

import pytest

pytestmark = pytest.mark.django_db


def _search(client, q: str, **params) -> tuple[list[str], dict]:
    response = client.get("/api/search/", {"q": q, "page_size": 50, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    return [row["nom"] for row in body["results"]], body


def test_a_need_finds_plumbers_in_the_place(client, directory):
    names, body = _search(client, "fuite d'eau quiberon")
    assert body["mode"] == "hybrid"
    assert body["understood"]["place"]["name"] == "Quiberon"
    # the plumbers of Quiberon, open first; nobody outside Quiberon
    assert names[:2] == ["SARL KERJEAN", "Le Gall Énergies"]
    assert "Morbihan Services" not in names


def test_cutting_hair_finds_the_hairdressers_of_dieulefit(client, directory):
    names, body = _search(client, "couper les cheveux dieulefit")
    assert body["understood"]["trade"] is None
    assert names[:2] == ["L'Atelier de Julie", "Chez Marco"]


def test_lexical_mode_is_the_text_search_alone(client, directory):
    names, body = _search(client, "couper les cheveux dieulefit", mode="lexical")
    assert (names, body["mode"]) == ([], "lexical")


def test_semantic_mode_ranks_by_vectors_only(client, directory):
    names, body = _search(client, "couper les cheveux dieulefit", mode="semantic")
    assert body["mode"] == "semantic"
    assert names[:2] == ["L'Atelier de Julie", "Chez Marco"]


def test_filters_still_apply(client, directory):
    names, _ = _search(client, "fuite d'eau quiberon", etat_administratif="F")
    assert names == ["Kerbiriou"]


def test_a_bad_mode_is_a_400(client, directory):
    response = client.get("/api/search/", {"q": "plombier", "mode": "vector"})
    assert response.status_code == 400
    assert response.json()["extra"] == {
        "fields": {"mode": ["«\xa0vector\xa0» n'est pas un choix valide."]}
    }


def test_a_question_by_need_is_answered_from_the_vectors(client, directory):
    body = client.get("/api/ask/", {"q": "Où faire couper les cheveux à Dieulefit ?"}).json()
    assert body["mode"] == "hybrid"
    assert [c["nom"] for c in body["citations"]][:2] == ["L'Atelier de Julie", "Chez Marco"]
    # the two hairdressers of Dieulefit, and no other row (the garage of Dieulefit is far
    # from "couper les cheveux")
    assert body["answer"].startswith(
        "D'après l'annuaire, pour « couper cheveux » à Dieulefit (les plus proches "
        "d'abord) : L'Atelier de Julie (pas encore d'avis) et Chez Marco (pas encore d'avis)."
    )
