import pytest

from foxreviews.location.tests.factories import VilleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


@pytest.fixture
def villes():
    return {
        "se": VilleFactory(code_insee="42218", nom="Saint-Étienne", population=173_136,
                           codes_postaux=["42000", "42100"]),
        "ser": VilleFactory(code_insee="76575", nom="Saint-Étienne-du-Rouvray",
                            population=29_518, codes_postaux=["76800"]),
        "small": VilleFactory(code_insee="42999", nom="Saint-Étienne-le-Molard",
                              population=None, codes_postaux=["42130"]),
        "other": VilleFactory(code_insee="42001", nom="Aboën", population=300,
                              codes_postaux=["42380"]),
    }  # fmt: skip


@pytest.mark.parametrize("q", ["saint etienne", "SAINT-ÉTIENNE", "Saint-Etien", "sain"])
def test_autocomplete_is_accent_and_case_insensitive_bigger_first(client, villes, q):
    response = client.get("/api/villes/autocomplete/", {"q": q})
    assert response.status_code == 200
    assert [v["nom"] for v in response.json()] == [
        "Saint-Étienne", "Saint-Étienne-du-Rouvray", "Saint-Étienne-le-Molard",
    ]  # fmt: skip


def test_autocomplete_by_code_postal_prefix(client, villes):
    response = client.get("/api/villes/autocomplete/", {"q": "421"})
    assert [v["code_insee"] for v in response.json()] == ["42218", "42999"]
    first = response.json()[0]
    assert first["codes_postaux"] == ["42000", "42100"]
    assert first["departement"] == "Rhône"  # the factory's département


def test_autocomplete_returns_at_most_ten(client):
    for i in range(12):
        VilleFactory(nom=f"Montagne {i}", population=i)
    response = client.get("/api/villes/autocomplete/", {"q": "mont"})
    assert len(response.json()) == 10
    assert response.json()[0]["nom"] == "Montagne 11"


@pytest.mark.parametrize("params", [{}, {"q": "a"}, {"q": "  "}])
def test_autocomplete_rejects_missing_or_short_queries(client, params):
    response = client.get("/api/villes/autocomplete/", params)
    assert response.status_code == 400
    assert response.json()["message"].startswith("Paramètres invalides. q : ")
