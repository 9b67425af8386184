import pytest

from foxreviews.enterprise.tests.factories import EntrepriseFactory, ProLocalisationFactory
from foxreviews.location.tests.factories import VilleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


@pytest.mark.parametrize("ordering", ["-created", "created", "nom"])
def test_cursor_pages_never_skip_or_repeat(walk_pages, ordering):
    entreprises = EntrepriseFactory.create_batch(23, nom="Même nom")  # ties broken by id
    pages = walk_pages("/api/entreprises/", {"page_size": 5, "ordering": ordering})
    sirets = [e["siret"] for page in pages for e in page["results"]]
    assert sorted(sirets) == sorted(e.siret for e in entreprises)
    assert len(sirets) == len(set(sirets)) == 23


def test_list_runs_one_query_whatever_the_page_size(client, django_assert_num_queries):
    EntrepriseFactory.create_batch(30)
    for size in (1, 10, 30):
        with django_assert_num_queries(1):
            response = client.get("/api/entreprises/", {"page_size": size})
        assert len(response.json()["results"]) == size


def test_filters_combine(client):
    lyon = VilleFactory(code_insee="69123", nom="Lyon", codes_postaux=["69001"])
    target = EntrepriseFactory(ville=lyon, naf_code="56.10A", etat_administratif="A")
    EntrepriseFactory(ville=lyon, naf_code="56.10A", etat_administratif="F")
    EntrepriseFactory(ville=lyon, naf_code="96.02A")
    EntrepriseFactory(naf_code="56.10A")
    response = client.get(
        "/api/entreprises/", {"ville": "69123", "naf_code": "56.10A", "etat_administratif": "A"}
    )
    assert [e["siret"] for e in response.json()["results"]] == [target.siret]
    assert response.json()["results"][0]["ville"] == {
        "code_insee": "69123", "nom": "Lyon", "slug": "ville-69123",
    }  # fmt: skip


def test_bad_parameters_get_a_400_with_a_message(client):
    response = client.get("/api/entreprises/", {"ordering": "price"})
    assert response.status_code == 400
    assert response.json()["message"] == (
        "Paramètres invalides. ordering : Valeurs possibles : -created, created, nom."
    )
    assert client.get("/api/entreprises/", {"etat_administratif": "Z"}).status_code == 400


def test_detail_has_its_prolocalisations_and_404_otherwise(client):
    proloc = ProLocalisationFactory()
    response = client.get(f"/api/entreprises/{proloc.entreprise.siret}/")
    assert response.status_code == 200
    body = response.json()
    assert body["siret"] == proloc.entreprise.siret
    assert [p["sous_categorie"] for p in body["prolocalisations"]] == [proloc.sous_categorie.nom]
    missing = client.get("/api/entreprises/00000000000000/")
    assert missing.status_code == 404
    assert missing.json() == {
        "message": "Aucune entreprise avec le SIRET 00000000000000.", "extra": {},
    }  # fmt: skip
