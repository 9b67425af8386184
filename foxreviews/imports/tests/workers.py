"""Real Celery workers for the tests that go through the broker: `celery worker` on the `imports`
queue (prefork, one child), started here and stopped here whatever happened to them; an upload
big enough to be caught in the middle, and the waits for it."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

from config.celery_app import app
from foxreviews.core.tests.webserver import database_url
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.tests.stock_rows import siret

ENDED = (ImportLog.Status.SUCCESS, ImportLog.Status.PARTIAL, ImportLog.Status.FAILED)


@contextlib.contextmanager
def tasks_through_the_broker() -> Iterator[None]:
    """This process publishes tasks to the real broker instead of running them (test settings
    run them eagerly)."""
    app.conf.task_always_eager = False
    try:
        yield
    finally:
        app.conf.task_always_eager = True


@contextlib.contextmanager
def imports_worker(output: Path, name: str, **env_changes: str) -> Iterator[subprocess.Popen]:
    """A worker with the test settings and database; its output in `output` (a pipe nobody
    reads would fill up and block it). Stopped at the end (SIGTERM, then SIGKILL), its pool
    children with it, even when the test killed its main process."""
    env = {**os.environ, "DATABASE_URL": database_url(),
           "DJANGO_SETTINGS_MODULE": "config.settings.test", **env_changes}  # fmt: skip
    with output.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "imports",
             "--concurrency", "1", "--pool", "prefork", "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle",
             "--hostname", f"{name}-{os.getpid()}@%h"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            yield process
        finally:
            stop_worker(process)


def stop_worker(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL after 30 s; its pool children too, even orphaned."""
    children: list[psutil.Process] = []
    with contextlib.suppress(psutil.NoSuchProcess):  # a main process the test killed
        children = psutil.Process(process.pid).children(recursive=True)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    _, alive = psutil.wait_procs(children, timeout=10)
    for child in alive:
        child.kill()


def numbered_csv(rows: int) -> bytes:
    """A simple CSV of `rows` commerces of Lyon 1er, their SIRETs numbered."""
    lines = ["siret,nom,code_commune"] + [
        f"{siret(f'5{n:07d}')},Commerce {n},69381" for n in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def wait_mid_import(log: ImportLog, rows: int, *, deadline: float) -> int | None:
    """The records the upload has committed, once some are and not all; None at the deadline."""
    while time.monotonic() < deadline:
        checkpoint = ImportCheckpoint.objects.filter(import_log=log).first()
        if checkpoint and 0 < checkpoint.records_done < rows:
            return checkpoint.records_done
        time.sleep(0.01)
    return None


def wait_ended(log: ImportLog, *, deadline: float) -> ImportLog:
    while time.monotonic() < deadline:
        log.refresh_from_db()
        if log.status in ENDED:
            break
        time.sleep(0.1)
    return log
