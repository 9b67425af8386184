import pytest
from django.db.models import Avg, Count, Q
from stdnum.fr import siret as stdnum_siret

from foxreviews.category.tests.factories import NafCodeFactory
from foxreviews.core.exceptions import ApplicationError
from foxreviews.demo.services import demo_data_load
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.location.tests.factories import VilleFactory
from foxreviews.reviews.models import Avis

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]


@pytest.fixture
def small_reference():
    villes = [VilleFactory(population=p) for p in (100, 5_000, 200_000)]
    nafs = [NafCodeFactory(code=c) for c in ("56.10A", "96.02A", "43.22A", "62.01Z")]
    return villes, nafs


def test_demo_data_is_realistic_and_consistent(small_reference):
    created = demo_data_load(count=400, seed=7)
    assert created["entreprises"] == 400
    assert Entreprise.objects.count() == 400
    assert ProLocalisation.objects.count() == 400
    assert all(stdnum_siret.is_valid(s) for s in Entreprise.objects.values_list("siret", flat=True))
    # the biggest commune gets most entreprises
    biggest = small_reference[0][2]
    assert Entreprise.objects.filter(ville=biggest).count() > 300
    # ratings match the published avis exactly
    for proloc in ProLocalisation.objects.filter(nombre_avis__gt=0)[:50]:
        approved = Avis.objects.filter(prolocalisation=proloc, statut="publie")
        stats = approved.aggregate(n=Count("id"), avg=Avg("note"))
        assert proloc.nombre_avis == stats["n"]
        assert float(proloc.note_moyenne) == pytest.approx(stats["avg"], abs=0.005)
    without = ProLocalisation.objects.filter(
        ~Q(avis__statut="publie"), nombre_avis=0, note_moyenne__isnull=True
    )
    assert without.exists()


def test_demo_data_is_deterministic_and_loaded_once(small_reference):
    demo_data_load(count=50, seed=3)
    first = list(Entreprise.objects.order_by("siret").values_list("siret", "nom", "naf_code"))
    assert demo_data_load(count=50, seed=3) == {
        "entreprises": 0, "prolocalisations": 0, "avis": 0, "sponsorisations": 0,
    }  # fmt: skip
    assert Entreprise.objects.count() == 50
    Entreprise.objects.all().delete()
    from foxreviews.imports.models import ImportLog

    ImportLog.objects.all().delete()
    demo_data_load(count=50, seed=3)
    again = list(Entreprise.objects.order_by("siret").values_list("siret", "nom", "naf_code"))
    assert again == first


def test_demo_data_needs_the_reference_data():
    with pytest.raises(ApplicationError, match="load the reference data first"):
        demo_data_load(count=10)


def test_the_demo_names_are_found_by_a_typo_and_counted_at_once(
    client, small_reference, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the recount, run eagerly
        demo_data_load(count=60, seed=5)
    assert client.get("/api/stats/").json()["entreprises"] == 60
    checked = 0
    for entreprise in Entreprise.objects.order_by("siret"):
        word = max(entreprise.nom.replace("'", " ").replace("-", " ").split(), key=len)
        if len(word) < 7:
            continue
        typo = word[:3] + word[4:]  # one letter missing, as typed in a hurry
        response = client.get("/api/search/", {"q": typo, "page_size": 50})
        assert response.status_code == 200, response.content
        found = [e["siret"] for e in response.json()["results"]]
        assert entreprise.siret in found, (entreprise.nom, typo)
        checked += 1
    assert checked >= 20
