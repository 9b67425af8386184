"""The Celery side of the imports: the nightly sync's fan-out, and a worker killed mid-task."""

import datetime as dt
import signal
import time

import psutil
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foxreviews.enterprise.models import Entreprise
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.tasks import insee_sync_start
from foxreviews.imports.tests.insee_server import InseeApiServer, generated_etablissements
from foxreviews.imports.tests.workers import (
    imports_worker,
    numbered_csv,
    tasks_through_the_broker,
    wait_ended,
    wait_mid_import,
)
from foxreviews.imports.uploads import upload_accept
from foxreviews.users.models import User

SINCE, UNTIL = dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 25)


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_the_nightly_task_fans_the_slices_out_and_closes_the_run(
    client, settings, django_capture_on_commit_callbacks
):
    with InseeApiServer(quota=10_000) as server:
        server.add(generated_etablissements(1_500, since=SINCE, until=UNTIL))
        settings.INSEE_API_URL = server.url
        settings.INSEE_API_RATE = "10000/minute"
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            run_id = insee_sync_start.delay("2026-11-24", "2026-11-25").get()
    # one task per slice, then after each slice (it wrote rows) a recount of the statistics,
    # and the end of the run for the staff's websockets (insee.sync.finished)
    assert len(callbacks) == 2 * settings.INSEE_SYNC_SLICES + 1 == 5
    run = ImportLog.objects.get(pk=run_id)
    assert (run.status, run.rows_read, run.rows_created) == ("success", 1_500, 1_500)
    assert client.get("/api/stats/").json()["entreprises"] == 1_500


@pytest.mark.django_db
def test_without_a_key_the_nightly_task_does_nothing(settings):
    settings.INSEE_API_KEY = ""
    assert insee_sync_start.delay().get() is None
    assert not ImportLog.objects.exists()


@pytest.fixture
def worker(tmp_path):
    """A real worker on the `imports` queue, through the real broker."""
    with tasks_through_the_broker(), imports_worker(tmp_path / "worker.log", "killtest") as process:
        yield process


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_runs_it_again_and_doubles_nothing(
    reference_data, worker, tmp_path
):
    rows = 50_000
    user = User.objects.create_user("pro", role="pro")
    log = upload_accept(upload=SimpleUploadedFile("big.csv", numbered_csv(rows)), user=user)

    deadline = time.monotonic() + 120
    killed_at = wait_mid_import(log, rows, deadline=deadline)
    assert killed_at is not None, (tmp_path / "worker.log").read_text(errors="replace")[-2000:]
    child = psutil.Process(worker.pid).children()[0]  # the pool process running it
    child.send_signal(signal.SIGKILL)  # in the middle of the task
    killed_at = ImportCheckpoint.objects.get(import_log=log).records_done

    wait_ended(log, deadline=deadline)
    assert log.status == "success", log.error
    assert (log.rows_read, log.rows_created, log.rows_updated) == (rows, rows, 0)
    assert log.stats["last_run"]["resumed_after_record"] >= killed_at > 0
    assert Entreprise.objects.count() == rows
