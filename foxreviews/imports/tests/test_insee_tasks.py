"""The Celery side of the imports: the nightly sync's fan-out, and a worker killed mid-task."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time

import psutil
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from config.celery_app import app
from foxreviews.core.tests.webserver import database_url
from foxreviews.enterprise.models import Entreprise
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.tasks import insee_sync_start
from foxreviews.imports.tests.insee_server import InseeApiServer, generated_etablissements
from foxreviews.imports.tests.stock_rows import siret
from foxreviews.imports.uploads import upload_accept
from foxreviews.users.models import User

SINCE, UNTIL = dt.datetime(2026, 11, 24), dt.datetime(2026, 11, 25)


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_the_nightly_task_fans_the_slices_out_and_closes_the_run(
    settings, django_capture_on_commit_callbacks
):
    with InseeApiServer(quota=10_000) as server:
        server.add(generated_etablissements(1_500, since=SINCE, until=UNTIL))
        settings.INSEE_API_URL = server.url
        settings.INSEE_API_RATE = "10000/minute"
        with django_capture_on_commit_callbacks(execute=True) as slices:
            run_id = insee_sync_start.delay("2026-11-24", "2026-11-25").get()
    assert len(slices) == settings.INSEE_SYNC_SLICES == 2  # one task per slice
    run = ImportLog.objects.get(pk=run_id)
    assert (run.status, run.rows_read, run.rows_created) == ("success", 1_500, 1_500)


@pytest.mark.django_db
def test_without_a_key_the_nightly_task_does_nothing(settings):
    settings.INSEE_API_KEY = ""
    assert insee_sync_start.delay().get() is None
    assert not ImportLog.objects.exists()


@pytest.fixture
def worker(tmp_path):
    """A real worker on the `imports` queue (prefork, one child), through the real broker; its
    output in tmp_path/worker.log (a pipe nobody reads would fill up and block it)."""
    env = {**os.environ, "DATABASE_URL": database_url(),
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}  # fmt: skip
    output = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "imports",
         "--concurrency", "1", "--pool", "prefork", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--hostname", f"killtest-{os.getpid()}@%h"],
        env=env, stdout=output, stderr=subprocess.STDOUT,
    )  # fmt: skip
    app.conf.task_always_eager = False
    try:
        yield process
    finally:
        app.conf.task_always_eager = True
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_task_runs_it_again_and_doubles_nothing(
    reference_data, worker, tmp_path
):
    rows = 50_000
    lines = ["siret,nom,code_commune"] + [
        f"{siret(f'5{n:07d}')},Commerce {n},69381" for n in range(rows)
    ]
    content = ("\n".join(lines) + "\n").encode()
    user = User.objects.create_user("pro", role="pro")
    log = upload_accept(upload=SimpleUploadedFile("big.csv", content), user=user)  # queued

    deadline = time.monotonic() + 120
    child = None
    while time.monotonic() < deadline:
        checkpoint = ImportCheckpoint.objects.filter(import_log=log).first()
        if checkpoint and 0 < checkpoint.records_done < rows:
            child = psutil.Process(worker.pid).children()[0]  # the pool process running it
            child.send_signal(signal.SIGKILL)  # in the middle of the task
            break
        time.sleep(0.01)
    assert child is not None, (tmp_path / "worker.log").read_text(errors="replace")[-2000:]
    killed_at = ImportCheckpoint.objects.get(import_log=log).records_done

    while time.monotonic() < deadline:
        log.refresh_from_db()
        if log.status in ("success", "partial", "failed"):
            break
        time.sleep(0.1)
    assert log.status == "success", log.error
    assert (log.rows_read, log.rows_created, log.rows_updated) == (rows, rows, 0)
    assert log.stats["last_run"]["resumed_after_record"] >= killed_at > 0
    assert Entreprise.objects.count() == rows
