"""A Celery worker started as in a container (`python -m foxreviews.runtime.worker`): its pool's
processes count the tasks (successes, failures, retries, durations) in a folder of their own,
and its main process serves their sums at /metrics on METRICS_WORKER_PORT, to the allowed
readers only; the folder goes when it stops."""

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from foxreviews.core.tasks import heartbeat
from foxreviews.core.tests.webserver import database_url
from foxreviews.dashboard.tests.metrics_scrape import parse, value
from foxreviews.imports.tests.workers import stop_worker, tasks_through_the_broker
from foxreviews.runtime.ports import free_port
from foxreviews.runtime.tests.worker_tasks import boom, retry_once

TOKEN = "jeton-du-worker"
FINISHED = "foxreviews_celery_tasks_finished_total"


def _get(url: str, **headers: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _scrape_when(url: str, done, seconds: float = 60) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        with contextlib.suppress(OSError):
            status, body = _get(url, Authorization=f"Bearer {TOKEN}")
            if status == 200 and done(samples := parse(body.decode())):
                return samples
        assert time.monotonic() < deadline, "the worker's /metrics never showed it"
        time.sleep(0.3)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_alone_serves_the_sums_of_its_pool_to_allowed_readers(tmp_path):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(),
           "DJANGO_SETTINGS_MODULE": "config.settings.test", "FOXREVIEWS_VAR_DIR": str(tmp_path),
           "METRICS_ENABLED": "true", "METRICS_WORKER_PORT": str(port),
           "METRICS_ALLOWED_IPS": "10.0.0.0/8", "METRICS_TOKEN": TOKEN}  # fmt: skip
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    url = f"http://127.0.0.1:{port}/metrics"
    with (tmp_path / "worker.log").open("ab") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "foxreviews.runtime.worker", "-Q", "maintenance,default",
             "--include", "foxreviews.runtime.tests.worker_tasks",
             "--concurrency", "2", "--pool", "prefork", "--loglevel", "WARNING",
             "--without-gossip", "--without-mingle", "--hostname", f"metrics-{os.getpid()}@%h"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _scrape_when(url, lambda samples: True)  # serving: the pool runs
            (folder,) = (tmp_path / "metrics").iterdir()
            assert folder.name.startswith("worker-")
            with tasks_through_the_broker():
                results = [heartbeat.delay() for _ in range(8)]
                assert [r.get(timeout=60) for r in results] == ["ok"] * 8
                boom.delay()  # its result is not waited for: the scrape says when it ran
                retry_once.delay()
            done = {"task": heartbeat.name, "state": "SUCCESS"}
            retried = {"task": retry_once.name, "state": "SUCCESS"}
            failed = {"task": boom.name, "state": "FAILURE"}
            samples = _scrape_when(url, lambda s: value(s, FINISHED, **retried) == 1
                                   and value(s, FINISHED, **failed) == 1)  # fmt: skip
            assert value(samples, FINISHED, **done) == 8
            assert value(samples, "foxreviews_celery_task_duration_seconds_count",
                         task=heartbeat.name) == 8  # fmt: skip
            assert value(samples, FINISHED, task=boom.name, state="FAILURE") == 1
            assert value(samples, "foxreviews_celery_task_failures_total", task=boom.name,
                         exception="ValueError") == 1  # fmt: skip
            # a retry: the first run ends in RETRY, the second in SUCCESS
            assert value(samples, "foxreviews_celery_task_retries_total", task=retry_once.name) == 1
            assert value(samples, "foxreviews_celery_tasks_started_total",
                         task=retry_once.name) == 2  # fmt: skip
            assert value(samples, FINISHED, task=retry_once.name, state="RETRY") == 1
            # counted by the pool's children, each in its own files, summed here
            pids = {f.name.split("_")[-1] for f in folder.glob("counter_*.db")}
            assert pids and str(worker.pid) not in {p.removesuffix(".db") for p in pids}
            # loopback is not in METRICS_ALLOWED_IPS here: the token or nothing
            assert _get(url)[0] == 403
            assert _get(url, Authorization="Bearer autre-chose")[0] == 403
            assert _get(url.replace("/metrics", "/ailleurs"))[0] == 404
        finally:
            stop_worker(worker)
    assert worker.returncode in (0, 143, -15)
    assert list((tmp_path / "metrics").iterdir()) == []
