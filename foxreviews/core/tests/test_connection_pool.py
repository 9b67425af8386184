"""The web process (uvicorn, ASGI) holds at most its pool's connections, however many requests
arrive at once; without the pool, the same load leaves one connection per request thread."""

from __future__ import annotations

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from .webserver import raw_connection, web_process

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
POOL_SIZE = 4
REQUESTS, AT_ONCE = 200, 50


def _peak_connections_under_load(
    port: int, requests: int = REQUESTS, at_once: int = AT_ONCE
) -> tuple[int, list[int]]:
    """(the most connections of the web process seen at once, the answers' statuses)."""
    peak, done = 0, threading.Event()

    def sample() -> None:
        nonlocal peak
        with raw_connection() as probe:
            while not done.is_set():
                # the test database's only: another FoxReviews may share the server
                count = probe.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE application_name = 'foxreviews-web' AND datname = current_database()"
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
        with ThreadPoolExecutor(at_once) as pool:
            statuses = list(pool.map(get, range(requests)))
        time.sleep(0.5)  # connections a request thread left behind show by now
    finally:
        done.set()
        sampler.join()
    return peak, statuses


def test_concurrent_requests_never_hold_more_connections_than_the_pool():
    with web_process(DATABASE_POOL_MAX_SIZE=str(POOL_SIZE)) as port:
        peak, statuses = _peak_connections_under_load(port)
    assert statuses == [200] * REQUESTS
    assert 1 <= peak <= POOL_SIZE


def test_without_the_pool_the_same_load_exceeds_it():
    """The control: what the pool prevents (persistent connections, one per request thread).
    Lighter than the load above: unbounded, that load could exhaust the server's
    max_connections, which is the point of the pool."""
    with web_process(DATABASE_POOL="false", DATABASE_CONN_MAX_AGE="60") as port:
        peak, statuses = _peak_connections_under_load(port, requests=40, at_once=20)
    assert statuses == [200] * 40
    assert peak > POOL_SIZE
