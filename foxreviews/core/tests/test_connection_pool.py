"""The web process (uvicorn, ASGI) holds at most its pool's connections, however many requests
arrive at once; without the pool, the same load leaves one connection per request thread."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from foxreviews.runtime.ports import pick_port

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
POOL_SIZE = 4
REQUESTS, AT_ONCE = 200, 50


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _serve(port: int, **env_changes) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": _database_url(), "FOXREVIEWS_PROCESS": "web",
           "DATABASE_POOL_MAX_SIZE": str(POOL_SIZE), "LOG_LEVEL": "WARNING",
           **env_changes}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "foxreviews.runtime.web", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the web process did not answer")


def _peak_connections_under_load(port: int) -> tuple[int, list[int]]:
    """(the most connections of the web process seen at once, the answers' statuses)."""
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as probe:
            while not done.is_set():
                count = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = 'foxreviews-web'"
                ).fetchone()[0]
                peak = max(peak, count)
                time.sleep(0.005)

    def get(_: int) -> int:
        url = f"http://127.0.0.1:{port}/api/entreprises/?page_size=5"
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        with ThreadPoolExecutor(AT_ONCE) as pool:
            statuses = list(pool.map(get, range(REQUESTS)))
        time.sleep(0.5)  # connections a request thread left behind show by now
    finally:
        done.set()
        sampler.join()
    return peak, statuses


def test_concurrent_requests_never_hold_more_connections_than_the_pool():
    port = pick_port(18_000)
    process = _serve(port)
    try:
        peak, statuses = _peak_connections_under_load(port)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert statuses == [200] * REQUESTS
    assert 1 <= peak <= POOL_SIZE


def test_without_the_pool_the_same_load_exceeds_it():
    """The control: what the pool prevents (persistent connections, one per request thread)."""
    port = pick_port(18_100)
    process = _serve(port, DATABASE_POOL="false", DATABASE_CONN_MAX_AGE="60")
    try:
        peak, statuses = _peak_connections_under_load(port)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert statuses == [200] * REQUESTS
    assert peak > POOL_SIZE
