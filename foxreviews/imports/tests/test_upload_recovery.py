"""Uploads that nothing would finish: refused at once when the queue is out of reach, queued
again by the minutely sweep when their worker died whole or their message was lost."""

import datetime as dt
import os
import signal
import socket
import time

import httpx
import psutil
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.authtoken.models import Token

from foxreviews.core.tests.webserver import web_process
from foxreviews.enterprise.models import Entreprise
from foxreviews.imports.heartbeat import upload_heartbeat
from foxreviews.imports.models import ImportLog
from foxreviews.imports.services import upload_heartbeat_write
from foxreviews.imports.tasks import imports_requeue_stale_uploads, upload_process
from foxreviews.imports.tests.workers import (
    imports_worker,
    numbered_csv,
    tasks_through_the_broker,
    wait_ended,
    wait_mid_import,
)
from foxreviews.imports.uploads import upload_accept
from foxreviews.users.models import User

Status, Type = ImportLog.Status, ImportLog.Type


def _log(type_: str, status: str, heartbeat_age: float | None) -> ImportLog:
    """An ImportLog whose last heartbeat is that many seconds old (None: it has none)."""
    heartbeat = None
    if heartbeat_age is not None:
        heartbeat = timezone.now() - dt.timedelta(seconds=heartbeat_age)
    return ImportLog.objects.create(type=type_, status=status, heartbeat_at=heartbeat)


@pytest.mark.django_db
def test_the_sweep_queues_again_only_the_uploads_nothing_works_on(
    settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_STALE_SECONDS, settings.UPLOAD_PENDING_STALE_SECONDS = 120, 600
    dead_worker = _log(Type.CSV, Status.RUNNING, 121)
    lost_message = _log(Type.XLSX, Status.PENDING, 601)
    from_before_heartbeats = _log(Type.CSV, Status.PENDING, None)
    _log(Type.CSV, Status.RUNNING, 100)  # its worker is alive
    _log(Type.XLSX, Status.PENDING, 500)  # waiting in the queue
    _log(Type.CSV, Status.SUCCESS, 10_000)
    _log(Type.CSV, Status.FAILED, None)
    _log(Type.SIRENE_STOCK, Status.RUNNING, None)  # a command's run: not the sweep's
    before = timezone.now()

    with django_capture_on_commit_callbacks() as queued:
        claimed = imports_requeue_stale_uploads()

    assert claimed == sorted([dead_worker.pk, lost_message.pk, from_before_heartbeats.pk])
    assert len(queued) == 3
    for log in (dead_worker, lost_message, from_before_heartbeats):
        log.refresh_from_db()
        assert log.heartbeat_at >= before  # left alone by the next sweeps for that long
        assert log.status in (Status.RUNNING, Status.PENDING)
    with django_capture_on_commit_callbacks() as queued_again:
        assert imports_requeue_stale_uploads() == []
    assert queued_again == []


@pytest.mark.django_db
def test_an_upload_that_stops_its_worker_every_time_fails_after_three_requeues(
    settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_STALE_SECONDS, settings.UPLOAD_MAX_REQUEUES = 120, 3
    poison = _log(Type.XLSX, Status.RUNNING, 121)
    queued = []
    for _ in range(4):  # the worker dies on it each time
        with django_capture_on_commit_callbacks() as sent:
            queued.append(imports_requeue_stale_uploads())
        assert len(sent) == len(queued[-1])
        ImportLog.objects.filter(pk=poison.pk).update(
            heartbeat_at=timezone.now() - dt.timedelta(seconds=121)
        )
    assert queued == [[poison.pk]] * 3 + [[]]
    poison.refresh_from_db()
    assert (poison.status, poison.requeued) == (Status.FAILED, 3)
    assert poison.error == (
        "Le traitement s'est arrêté 4 fois sans finir (worker arrêté ou à court de mémoire) ; "
        "import abandonné."
    )


@pytest.mark.django_db
def test_a_message_for_an_upload_that_has_ended_or_gone_does_nothing():
    done = _log(Type.CSV, Status.SUCCESS, 10)
    done.rows_read = done.rows_created = 3
    done.save()
    before = ImportLog.objects.values_list("updated_at", "heartbeat_at").get(pk=done.pk)

    assert upload_process.apply(args=(done.pk,)).get() == "success"  # the broker's late copy
    assert upload_process.apply(args=(done.pk + 1000,)).get() == "gone"
    assert ImportLog.objects.values_list("updated_at", "heartbeat_at").get(pk=done.pk) == before
    assert upload_heartbeat_write(import_log_id=done.pk) == 0


@pytest.mark.django_db(transaction=True)  # the heartbeat's thread has a connection of its own
def test_the_heartbeat_moves_while_a_worker_holds_the_upload_and_stops_after():
    log = _log(Type.CSV, Status.RUNNING, 3600)
    seen = []
    with upload_heartbeat(import_log_id=log.pk, every=0.05):
        deadline = time.monotonic() + 10
        while len(set(seen)) < 3 and time.monotonic() < deadline:
            seen.append(ImportLog.objects.values_list("heartbeat_at", flat=True).get(pk=log.pk))
            time.sleep(0.02)
    assert len(set(seen)) == 3
    assert seen == sorted(seen) and seen[0] > timezone.now() - dt.timedelta(seconds=10)
    last = ImportLog.objects.values_list("heartbeat_at", flat=True).get(pk=log.pk)
    time.sleep(0.3)
    assert ImportLog.objects.values_list("heartbeat_at", flat=True).get(pk=log.pk) == last


def _dead_port() -> int:
    with socket.socket() as probe:  # a port just freed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_with_the_queue_out_of_reach_an_upload_gets_a_503_at_once_and_nothing_is_kept(tmp_path):
    user = User.objects.create_user("pro", role="pro")
    token = Token.objects.create(user=user)
    staff = Token.objects.create(user=User.objects.create_user("ops", is_staff=True))
    media = tmp_path / "media"
    broker = f"redis://127.0.0.1:{_dead_port()}/1"
    with web_process(CELERY_BROKER_URL=broker, DJANGO_MEDIA_ROOT=str(media)) as port:
        started = time.monotonic()
        response = httpx.post(
            f"http://127.0.0.1:{port}/api/imports/",
            files={"file": ("liste.csv", numbered_csv(3), "text/csv")},
            headers={"Authorization": f"Token {token.key}"},
            timeout=60,
        )
        elapsed = time.monotonic() - started
        started = time.monotonic()
        recount = httpx.post(  # any task a request publishes: the statistics' recount
            f"http://127.0.0.1:{port}/api/stats/refresh/",
            headers={"Authorization": f"Token {staff.key}"},
            timeout=60,
        )
        recount_elapsed = time.monotonic() - started
    assert response.status_code == 503, response.text
    assert elapsed < 2, elapsed
    assert response.headers["Retry-After"] == "60"
    assert response.json() == {
        "message": "La file des tâches est injoignable pour le moment : le fichier n'a pas été "
        "gardé, renvoyez-le. Réessayez dans quelques minutes.",
        "extra": {"reason": "queue_unreachable"},
    }
    assert not ImportLog.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []
    assert (recount.status_code, recount.json()["message"]) == (
        503,
        "La file des tâches est injoignable pour le moment : le recomptage n'a pas été "
        "demandé. Réessayez dans quelques minutes.",
    )
    assert recount_elapsed < 2, recount_elapsed


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_whole_is_noticed_and_another_finishes_its_upload_once(
    reference_data, settings, tmp_path
):
    settings.UPLOAD_STALE_SECONDS = 3
    rows, output = 50_000, tmp_path / "workers.log"
    user = User.objects.create_user("pro", role="pro")
    deadline = time.monotonic() + 180
    with tasks_through_the_broker():
        with imports_worker(output, "doomed", UPLOAD_HEARTBEAT_SECONDS="0.2") as doomed:
            log = upload_accept(upload=SimpleUploadedFile("big.csv", numbered_csv(rows)), user=user)
            assert wait_mid_import(log, rows, deadline=deadline), output.read_text()[-2000:]
            pool = psutil.Process(doomed.pid).children()
            os.kill(doomed.pid, signal.SIGKILL)  # the main process: no one is left to say so
            doomed.wait(timeout=30)
            _, alive = psutil.wait_procs(pool, timeout=10)
            assert alive == []  # its pool child went with it (parent-death signal)
        log.refresh_from_db()
        assert log.status == Status.RUNNING  # and would stay so for the broker's 2 hours
        last_beat = log.heartbeat_at

        while not (claimed := imports_requeue_stale_uploads()) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert claimed == [log.pk]
        noticed = timezone.now()
        assert 3 <= (noticed - last_beat).total_seconds() < 5
        assert ImportLog.objects.get(pk=log.pk).heartbeat_at >= noticed - dt.timedelta(seconds=1)
        killed_at = log.checkpoints.get().records_done  # the dead run's last committed chunk

        with imports_worker(output, "heir"):
            wait_ended(log, deadline=deadline)
    assert log.status == Status.SUCCESS, (log.error, output.read_text()[-2000:])
    assert (log.rows_read, log.rows_created, log.rows_updated) == (rows, rows, 0)
    assert log.stats["last_run"]["resumed_after_record"] == killed_at > 0
    assert Entreprise.objects.count() == rows
    # the broker hands out the first message again when its visibility timeout ends: no-op
    finished = ImportLog.objects.values_list("updated_at", flat=True).get(pk=log.pk)
    assert upload_process.apply(args=(log.pk,)).get() == "success"
    assert ImportLog.objects.values_list("updated_at", flat=True).get(pk=log.pk) == finished
    assert Entreprise.objects.count() == rows
