"""The ville list (cursor pages by name, filters) and the autocomplete's two caches, on the real
communes of France."""

import json

import pytest
from django.core.cache import cache

from foxreviews.core.cache import process_caches
from foxreviews.location import autocomplete
from foxreviews.location.api.serializers import VilleAutocompleteSerializer
from foxreviews.location.models import Ville
from foxreviews.location.tasks import preload_popular_autocomplete

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


def test_the_list_walks_every_ville_of_a_departement_once_by_name(walk_pages):
    pages = walk_pages("/api/villes/", {"departement": "2A", "page_size": 40})
    names = [v["nom"] for page in pages for v in page["results"]]
    expected = Ville.objects.filter(code_departement="2A").order_by("nom", "id")
    assert names == list(expected.values_list("nom", flat=True))
    assert len(names) == len(set(v["code_insee"] for p in pages for v in p["results"])) > 100


def test_the_list_runs_one_query_whatever_the_page_size(client, django_assert_num_queries):
    for size in (1, 50, 100):
        with django_assert_num_queries(1):
            response = client.get("/api/villes/", {"region": "84", "page_size": size})
        assert len(response.json()["results"]) == size


@pytest.mark.parametrize("params", [{"departement": "Rhône"}, {"region": "8"}, {"page_size": "0"}])
def test_bad_list_parameters_get_a_400(client, params):
    response = client.get("/api/villes/", params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["extra"]["fields"]


def test_the_list_filters_by_the_start_of_the_name_or_of_a_code_postal(client):
    by_name = client.get("/api/villes/", {"q": "Saint-Étienne-de", "page_size": 100}).json()
    expected = Ville.objects.filter(nom_recherche__startswith="saint etienne de").order_by("nom")
    assert [v["nom"] for v in by_name["results"]] == list(expected.values_list("nom", flat=True))
    assert len(by_name["results"]) > 20
    by_code = client.get("/api/villes/", {"q": "20000"}).json()
    assert [v["code_insee"] for v in by_code["results"]] == ["2A004", "2A139"]  # by name


def test_the_list_filtered_by_name_still_runs_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/villes/", {"q": "lyon", "page_size": 5})
    expected = Ville.objects.filter(nom_recherche__startswith="lyon").order_by("nom", "id")[:5]
    assert [v["nom"] for v in response.json()["results"]] == [v.nom for v in expected]


@pytest.mark.parametrize("q", ["!!!", "a", " - ", "é!", "\xa0", "   "])
def test_the_list_refuses_a_q_without_two_letters_or_digits(client, q):
    """`?q=!!!` answered 200 with every commune (q was not a filter of the list)."""
    response = client.get("/api/villes/", {"q": q})
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "q": ["Au moins 2 lettres ou chiffres sont attendus."]
    }


def test_autocomplete_puts_the_biggest_commune_first(client):
    response = client.get("/api/villes/autocomplete/", {"q": "lyon"})
    assert response.status_code == 200
    body = response.json()
    assert body[0]["code_insee"] == "69123"
    assert body[0]["departement"] == "Rhône"
    assert len(body) <= 10
    assert all(v["nom"].lower().startswith("lyon") for v in body)


def test_the_autocomplete_answers_the_fields_its_schema_documents(client):
    body = client.get("/api/villes/autocomplete/", {"q": "ajaccio"}).json()
    assert set(body[0]) == set(VilleAutocompleteSerializer().fields)
    ajaccio = Ville.objects.get(code_insee="2A004")
    assert body[0] == {
        "code_insee": "2A004", "nom": "Ajaccio", "slug": ajaccio.slug,
        "codes_postaux": ajaccio.codes_postaux, "population": ajaccio.population,
        "code_departement": "2A", "departement": "Corse-du-Sud",
    }  # fmt: skip
    assert ajaccio.population > 50_000 and "20000" in ajaccio.codes_postaux


def test_the_second_ask_is_served_from_this_process_then_from_redis(
    client, django_assert_num_queries
):
    with django_assert_num_queries(1):
        first = client.get("/api/villes/autocomplete/", {"q": "Saint-Étienne"}).content
    with django_assert_num_queries(0):  # this process's copy (same key: normalised)
        assert client.get("/api/villes/autocomplete/", {"q": "SAINT ETIENNE"}).content == first
    autocomplete.answers.forget_local()  # another web process: nothing in its memory
    with django_assert_num_queries(0):  # Redis
        assert client.get("/api/villes/autocomplete/", {"q": "saint etienne"}).content == first
    assert cache.get(autocomplete.answers.shared_key("saint etienne")) == first


def test_popular_queries_are_counted_preloaded_and_decay(client, django_assert_num_queries):
    for q, times in (("mars", 3), ("bordeaux", 5), ("nant", 1)):
        for _ in range(times):
            client.get("/api/villes/autocomplete/", {"q": q})
    autocomplete.counts_flush()  # what this process sends every COUNT_FLUSH_SECONDS
    assert autocomplete.popular_queries(2) == ["bordeaux", "mars"]
    autocomplete.autocomplete_cache_clear()  # every answer gone, the counts kept
    assert preload_popular_autocomplete.delay().get() == 3
    with django_assert_num_queries(0):  # preloaded into Redis
        body = json.loads(client.get("/api/villes/autocomplete/", {"q": "bordeaux"}).content)
    assert body[0]["code_insee"] == "33063"
    # halved, and a query asked once is forgotten
    assert autocomplete.popular_queries() == ["bordeaux", "mars"]


def test_a_reload_of_the_communes_clears_the_answers(client):
    client.get("/api/villes/autocomplete/", {"q": "lyon"})
    assert cache.get(autocomplete.answers.shared_key("lyon")) is not None
    Ville.objects.filter(code_insee="69123").update(nom="Lyon-Test", nom_recherche="lyon test")
    autocomplete.autocomplete_cache_clear()
    body = client.get("/api/villes/autocomplete/", {"q": "lyon"}).json()
    assert body[0]["nom"] == "Lyon-Test"


def test_with_redis_out_of_reach_the_autocomplete_answers_from_postgresql(client, settings):
    dead = {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}  # nobody there
    settings.CACHES = {"default": dead}
    process_caches.reset()  # the cache's own client follows the settings
    response = client.get("/api/villes/autocomplete/", {"q": "lyon"})
    assert response.status_code == 200
    assert response.json()[0]["code_insee"] == "69123"
    autocomplete.counts_flush()  # what a request sends every 30 s: lost, not raised
