"""What a load leaves behind at once: its new names found by a typo (the search's word list)
and counted by /api/stats/ (a recount queued once the load commits, run eagerly here)."""

import datetime as dt

import pytest
from django.core.cache import cache

from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.imports.insee.sync import insee_sync
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import
from foxreviews.imports.tests.insee_server import InseeApiServer
from foxreviews.imports.tests.stock_rows import siret
from foxreviews.imports.tests.uploading import upload_and_run
from foxreviews.stats.services import statistics_refresh
from foxreviews.stats.tasks import PENDING_KEY, refresh_statistics, refresh_statistics_soon

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
HEADER = "siret,nom,naf_code,adresse,code_postal,code_commune\n"


@pytest.fixture
def directory():
    """One entreprise already there (a load into it is incremental), counted."""
    EntrepriseFactory(nom="Quincaillerie Martin", ville=None)
    statistics_refresh()


def _found(client, q: str) -> list[str]:
    response = client.get("/api/search/", {"q": q})
    assert response.status_code == 200, response.content
    return [e["siret"] for e in response.json()["results"]]


def _counted(client) -> int:
    return client.get("/api/stats/").json()["entreprises"]


def test_a_bulk_import(client, directory, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "more.csv"
    path.write_text(HEADER + f"{siret('22222222')},Droguerie Zephyrin,47.52A,,69002,69382\n")
    options = BulkImportOptions(progress=False, rejects_path=tmp_path / "rejects.csv")
    with django_capture_on_commit_callbacks(execute=True):
        sirene_bulk_import(path=path, options=options)
    assert _found(client, "zephirin") == [siret("22222222")]  # a typo of its name
    assert _counted(client) == 2


def test_an_upload(client, directory, pro, django_capture_on_commit_callbacks):
    content = HEADER + f"{siret('33333333')},Serrurerie Bartholome,43.32B,,69002,69382\n"
    _, status = upload_and_run(pro, content.encode(), django_capture_on_commit_callbacks)
    assert status["status"] == "success"
    assert _found(client, "bartolome") == [siret("33333333")]
    assert _counted(client) == 2


def test_an_insee_sync(client, directory, settings, django_capture_on_commit_callbacks):
    with InseeApiServer(quota=10_000) as server, django_capture_on_commit_callbacks(execute=True):
        settings.INSEE_API_URL = server.url
        settings.INSEE_API_RATE = "10000/minute"
        insee_sync(since=dt.datetime(2024, 3, 30), until=dt.datetime(2024, 3, 31), slices=1)
    assert _found(client, "chiois prefere") == ["39860733300059"]  # MON CHINOIS PREFERE
    assert _counted(client) == 2


def test_a_load_that_changed_nothing_queues_no_recount(
    client, directory, tmp_path, django_capture_on_commit_callbacks
):
    EntrepriseFactory(ville=None)  # not counted yet: only a recount would show it
    path = tmp_path / "empty.csv"
    path.write_text(HEADER + "12345678901234,Mauvais SIRET,47.52A,,69002,69382\n")
    options = BulkImportOptions(progress=False, rejects_path=tmp_path / "rejects.csv")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        sirene_bulk_import(path=path, options=options)
    # the import's live events only (started, finished): no recount queued
    assert {c.__module__ for c in callbacks} <= {"foxreviews.realtime.services"}
    assert _counted(client) == 1


def test_loads_ending_while_a_recount_waits_share_it(
    client, directory, django_capture_on_commit_callbacks
):
    cache.set(PENDING_KEY, 1)  # a recount waits in the queue
    EntrepriseFactory(ville=None)
    with django_capture_on_commit_callbacks(execute=True):
        refresh_statistics_soon()
    assert _counted(client) == 1  # nothing queued: the waiting recount will count it
    refresh_statistics.delay()  # that recount runs
    assert _counted(client) == 2
    assert cache.get(PENDING_KEY) is None  # the next load asks for its own
    EntrepriseFactory(ville=None)
    with django_capture_on_commit_callbacks(execute=True):
        refresh_statistics_soon()
    assert _counted(client) == 3 == Entreprise.objects.count()


def test_with_redis_out_of_reach_the_load_succeeds_and_the_night_counts_it(
    client, directory, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    path = tmp_path / "more.csv"
    path.write_text(HEADER + f"{siret('44444444')},Droguerie Zephyrin,47.52A,,69002,69382\n")
    options = BulkImportOptions(progress=False, rejects_path=tmp_path / "rejects.csv")
    with django_capture_on_commit_callbacks(execute=True):
        result = sirene_bulk_import(path=path, options=options)
    assert result.counters.created == 1
    assert _counted(client) == 1  # no recount queued (nowhere to note it)
    statistics_refresh()  # the nightly one
    assert _counted(client) == 2
