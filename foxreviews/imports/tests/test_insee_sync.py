"""The daily INSEE sync against the local INSEE API: mapping, slices, resuming, the command."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from foxreviews.core.tests.webserver import database_url
from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.imports.insee.client import InseeClient, InseeError
from foxreviews.imports.insee.sync import insee_sync, insee_sync_open, run_window, slice_queries
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.tests.insee_server import InseeApiServer, generated_etablissements

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
SINCE, UNTIL = dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 25)
MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


@pytest.fixture
def insee(settings):
    with InseeApiServer(quota=10_000) as server:
        settings.INSEE_API_URL = server.url
        settings.INSEE_API_RATE = "10000/minute"
        yield server


def test_the_recorded_etablissement_lands_as_the_bulk_import_would_write_it(insee):
    run = insee_sync(since=dt.datetime(2024, 3, 30), until=dt.datetime(2024, 3, 31))
    assert (run.status, run.rows_read, run.rows_created, run.rows_rejected) == ("success", 1, 1, 0)
    entreprise = Entreprise.objects.select_related("ville").get(siret="39860733300059")
    assert (entreprise.siren, entreprise.nic) == ("398607333", "00059")
    assert entreprise.nom == "MON CHINOIS PREFERE"  # the current period's enseigne
    assert entreprise.denomination == "BERTRAND GRONDIN"  # the legal unit, a person
    assert entreprise.etat_administratif == "F"  # closed since 2016-04-01
    assert (entreprise.naf_code, entreprise.code_postal) == ("56.10C", "97490")
    assert entreprise.adresse == "44 RUE NANTIER DIDIEE"
    assert entreprise.ville.code_insee == "97411"
    assert entreprise.date_creation == dt.date(2015, 1, 9)
    assert run_window(run) == (dt.datetime(2024, 3, 30), dt.datetime(2024, 3, 31))


def test_a_sliced_window_writes_every_row_once_and_a_rerun_writes_nothing(insee):
    insee.add(generated_etablissements(3_000, since=SINCE, until=UNTIL))
    run = insee_sync(since=SINCE, until=UNTIL, slices=3)
    assert (run.status, run.rows_read, run.rows_created, run.rows_updated) == (
        "success", 3_000, 3_000, 0,
    )  # fmt: skip
    assert Entreprise.objects.count() == 3_000
    assert ProLocalisation.objects.count() == run.stats["counters"]["prolocalisations_created"] > 0
    assert run.checkpoints.count() == 3
    # each slice stops on its total: 3 slices of ~1,000 rows, no empty page asked for
    assert len(insee.log) == run.stats["pages"] <= 6
    again = insee_sync(since=SINCE, until=UNTIL + dt.timedelta(seconds=1), slices=2)
    assert (again.rows_read, again.rows_created, again.rows_updated, again.rows_unchanged) == (
        3_000, 0, 0, 3_000,
    )  # fmt: skip


def test_a_slice_pages_to_its_end_without_a_wasted_request(insee):
    insee.add(generated_etablissements(2_500, since=SINCE, until=UNTIL))
    run = insee_sync(since=SINCE, until=UNTIL)
    assert run.rows_read == 2_500
    assert run.checkpoints.get().pages == 3  # INSEE's total says the last page is in
    assert insee.statuses() == [200, 200, 200]


def test_slices_share_no_bound():
    queries = slice_queries(SINCE, UNTIL, 3)
    assert queries == [
        "dateDernierTraitementEtablissement:[2026-11-24T00:00:00 TO 2026-11-24T08:00:00}",
        "dateDernierTraitementEtablissement:[2026-11-24T08:00:00 TO 2026-11-24T16:00:00}",
        "dateDernierTraitementEtablissement:[2026-11-24T16:00:00 TO 2026-11-25T00:00:00]",
    ]


def test_an_empty_window_is_a_success_with_nothing_read(insee):
    run = insee_sync(since=SINCE, until=UNTIL, slices=2)
    assert (run.status, run.rows_read) == ("success", 0)
    assert insee.statuses() == [404, 404]


def test_a_failed_run_resumes_from_its_stored_cursor(insee, settings):
    insee.add(generated_etablissements(2_500, since=SINCE, until=UNTIL))
    client = InseeClient.from_settings(attempts=2)

    def break_after_the_first_page(checkpoint: ImportCheckpoint) -> None:
        insee.fail_next(503, times=5)

    with pytest.raises(InseeError):
        insee_sync(since=SINCE, until=UNTIL, client=client, on_page=break_after_the_first_page)
    failed = ImportLog.objects.get(type=ImportLog.Type.SIRENE_API)
    assert (failed.status, failed.resumable) == ("failed", True)
    assert failed.error.startswith("INSEE's API did not answer after 2 attempts (HTTP 503)")
    assert Entreprise.objects.count() == 1_000  # the first page, committed with its cursor
    insee.failures.clear()
    insee.log.clear()
    resumed = insee_sync()  # no window: the unfinished run is taken up
    assert resumed.pk == failed.pk and resumed.status == "success"
    assert (resumed.rows_read, resumed.rows_created) == (2_500, 2_500)
    assert Entreprise.objects.count() == 2_500
    assert len(insee.log) == 2  # pages 2 and 3 only


def test_a_run_keeps_its_window_and_state_in_columns_and_resumes_from_them(insee):
    insee.add(generated_etablissements(1_500, since=SINCE, until=UNTIL))
    run = insee_sync_open(since=SINCE, until=UNTIL, slices=2)
    run.refresh_from_db()
    assert (run.window_since, run.window_until, run.resumable) == (
        timezone.make_aware(SINCE), timezone.make_aware(UNTIL), True,
    )  # fmt: skip
    assert run.stats == {"slices": 2}  # nothing the code reads is left in the JSON
    slices = list(run.checkpoints.order_by("pk"))
    assert [(c.source, c.cursor, c.pages, c.total) for c in slices] == [
        (query, "*", 0, None) for query in slice_queries(SINCE, UNTIL, 2)
    ]
    assert insee_sync_open(since=SINCE, until=UNTIL, slices=3).pk == run.pk  # same window
    finished = insee_sync()  # no window given: the unfinished run, with its own window
    assert (finished.pk, finished.status, finished.resumable) == (run.pk, "success", False)
    assert run_window(finished) == (SINCE, UNTIL)
    assert finished.rows_read == sum(c.records_done for c in finished.checkpoints.all()) == 1_500
    done = list(finished.checkpoints.order_by("pk"))
    assert [(c.status, c.pages, c.total) for c in done] == [
        ("done", 1, c.records_done) for c in done
    ]


def test_without_a_window_a_run_starts_where_the_last_one_ended(insee):
    insee_sync(since=SINCE, until=UNTIL)
    later = insee_sync()
    assert run_window(later)[0] == dt.datetime(2026, 11, 25)


def test_the_command_reports_and_refuses_bad_input_in_one_line(insee, settings):
    out = io.StringIO()
    call_command(
        "sync_insee", "--since", "2024-03-30", "--until", "2024-03-31", stdout=out, stderr=out
    )
    assert "read 1, created 1, updated 0, unchanged 0, rejected 0 in 2 page(s)" in out.getvalue()
    assert Entreprise.objects.filter(siret="39860733300059").exists()
    with pytest.raises(CommandError, match="'yesterday' n'est pas une date"):
        call_command("sync_insee", "--since", "yesterday")
    with pytest.raises(CommandError, match="La fenêtre est vide"):
        call_command("sync_insee", "--since", "2026-11-25", "--until", "2026-11-24")
    settings.INSEE_API_KEY = "revoked"
    with pytest.raises(CommandError, match=r"INSEE refused the API key \(HTTP 401\)"):
        call_command("sync_insee", "--since", "2026-11-20", "--until", "2026-11-21")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_kill_9_in_the_middle_then_rerun_neither_loses_nor_doubles_a_row(reference_data):
    rows = 6_000
    with InseeApiServer(quota=10_000, delay=0.2) as server:
        server.add(generated_etablissements(rows, since=SINCE, until=UNTIL, seed=3))
        env = {**os.environ, "DATABASE_URL": database_url(), "INSEE_API_URL": server.url,
               "INSEE_API_KEY": "test-key", "INSEE_API_RATE": "10000/minute"}  # fmt: skip
        env.pop("DJANGO_SETTINGS_MODULE", None)
        command = [sys.executable, str(MANAGE), "sync_insee", "--since", "2026-11-24",
                   "--until", "2026-11-25", "--slices", "2"]  # fmt: skip
        process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            done = sum(c.records_done for c in ImportCheckpoint.objects.all())
            if done >= 2_000:
                break
            time.sleep(0.05)
        assert process.poll() is None, process.stdout.read().decode()[-2000:]
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        killed = ImportLog.objects.get(type=ImportLog.Type.SIRENE_API)
        assert killed.status == "running"
        assert 2_000 <= Entreprise.objects.count() < rows

        rerun = subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
    run = ImportLog.objects.get(type=ImportLog.Type.SIRENE_API)
    assert run.pk == killed.pk and run.status == "success"
    assert (run.rows_read, run.rows_created, run.rows_updated) == (rows, rows, 0)
    assert Entreprise.objects.count() == rows
    assert len(set(Entreprise.objects.values_list("siret", flat=True))) == rows
