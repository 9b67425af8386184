"""Statistics: after a refresh they match COUNT(*) over the directory; before it they keep the
last figures; one query to read them; only an admin may ask for a recount."""

import pytest
from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from foxreviews.category.models import Categorie, NafCode
from foxreviews.core.cache import process_caches
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.location.models import Departement, Region, Ville
from foxreviews.stats.services import statistics_refresh

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def directory():
    villes = list(Ville.objects.filter(code_insee__in=["69123", "69266", "13055", "2A004"]))
    nafs = list(NafCode.objects.filter(code__in=["10.71C", "56.10A", "45.20A"]))
    for n in range(40):
        EntrepriseFactory(
            ville=villes[n % len(villes)] if n % 7 else None,  # some without a known commune
            naf_code=nafs[n % len(nafs)].code,
            etat_administratif="F" if n % 5 == 0 else "A",
        )
    statistics_refresh()


def test_statistics_match_count_after_a_refresh(client, directory):
    body = client.get("/api/stats/").json()
    assert body["entreprises"] == Entreprise.objects.count() == 40
    assert body["entreprises_actives"] == Entreprise.objects.filter(etat_administratif="A").count()
    assert body["villes"] == Ville.objects.count() > 34_000
    assert body["departements"] == Departement.objects.count()
    assert body["regions"] == Region.objects.count()
    expected = {
        row["ville__code_departement"] or "": (row["n"], row["a"])
        for row in Entreprise.objects.values("ville__code_departement").annotate(
            n=Count("id"), a=Count("id", filter=Q(etat_administratif="A"))
        )
    }
    got = {d["code"]: (d["entreprises"], d["actives"]) for d in body["par_departement"]}
    assert got == expected
    assert {d["code"]: d["nom"] for d in body["par_departement"]}["2A"] == "Corse-du-Sud"
    per_categorie = {c["slug"]: c["entreprises"] for c in body["par_categorie"]}
    for categorie in Categorie.objects.all():
        codes = NafCode.objects.filter(sous_categorie__categorie=categorie).values("code")
        assert (
            per_categorie[categorie.slug] == Entreprise.objects.filter(naf_code__in=codes).count()
        )


def test_new_entreprises_count_only_after_the_next_refresh(client, directory):
    EntrepriseFactory.create_batch(3, ville=None)
    assert client.get("/api/stats/").json()["entreprises"] == 40
    statistics_refresh()
    assert client.get("/api/stats/").json()["entreprises"] == 43


def test_reading_the_statistics_is_one_query(client, directory, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get("/api/stats/").status_code == 200


def test_only_an_admin_may_ask_for_a_recount(client, directory):
    EntrepriseFactory(ville=None)
    assert client.post("/api/stats/refresh/").status_code in (401, 403)
    user = get_user_model().objects.create_user("visitor", password="x")
    client.force_login(user)
    assert client.post("/api/stats/refresh/").status_code == 403
    admin = get_user_model().objects.create_superuser("admin", password="x")
    client.force_login(admin)
    response = client.post("/api/stats/refresh/")
    assert response.status_code == 202  # the task ran (eager in the tests)
    assert response.json()["task_id"]
    assert client.get("/api/stats/").json()["entreprises"] == 41


def test_with_redis_out_of_reach_the_statistics_come_from_postgresql(client, settings):
    statistics_refresh()
    expected = client.get("/api/stats/").json()
    dead = {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}  # nobody there
    settings.CACHES = {"default": dead}
    process_caches.reset()  # nothing in this process's memory either
    response = client.get("/api/stats/")
    assert response.status_code == 200
    assert response.json() == expected
