"""The web process (its connection pool included) answers a 503 within 2 s that says the
database cannot be reached, when it cannot; and still says "busy" when every pooled connection
is in use. /health/ names the failed check and why."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from email.message import Message

import pytest

from foxreviews.runtime.ports import free_port

from .webserver import database_url, raw_connection, web_process

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

UNREACHABLE = "Base de données injoignable : réessayez dans un instant."
BUSY = "Serveur très demandé : réessayez dans un instant."


def _get(port: int, path: str) -> tuple[int, dict, float, Message]:
    """(status, JSON body, seconds, headers)."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            status, body, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, body, headers = error.code, error.read(), error.headers
    return status, json.loads(body), time.monotonic() - started, headers


def test_a_database_on_a_dead_port_is_a_503_within_two_seconds_that_says_so():
    dead_port = free_port()  # free: nothing listens there
    url = database_url(host="127.0.0.1", port=dead_port)
    with web_process(DATABASE_URL=url) as port:
        for _ in range(2):  # the first request opens the pool, the second finds it empty
            status, body, seconds, headers = _get(port, "/api/entreprises/")
            assert (status, body) == (503, {"message": UNREACHABLE, "extra": {}})
            assert headers["Retry-After"] == "2"
            assert seconds < 2
        status, body, seconds, _ = _get(port, "/health/")
    assert status == 503 and seconds < 2
    assert body["status"] == "degraded" and body["failed"] == ["database"]
    assert body["checks"]["database"]["error"].startswith(
        "database unreachable (OperationalError: couldn't get a connection after 1.50 sec)"
    )
    assert body["checks"]["redis"]["ok"] is True


def test_a_pool_with_every_connection_taken_still_says_busy():
    """One pooled connection, held by a request waiting for a table lock: the next request
    waits for the pool, then hears the database is busy, not down."""
    first: list = []
    with (
        web_process(DATABASE_POOL_MAX_SIZE="1", WEB_THREADS="2") as port,
        raw_connection() as locker,
    ):
        with locker.transaction():
            locker.execute("LOCK TABLE enterprise_entreprise IN ACCESS EXCLUSIVE MODE")
            holder = threading.Thread(target=lambda: first.append(_get(port, "/api/entreprises/")))
            holder.start()
            _wait_for_a_web_request_waiting_on_a_lock(locker)
            status, body, seconds, headers = _get(port, "/api/entreprises/")
        holder.join(timeout=30)
    assert (status, body) == (503, {"message": BUSY, "extra": {}})
    assert headers["Retry-After"] == "2"
    assert 1.5 <= seconds < 2  # DATABASE_POOL_TIMEOUT
    assert first[0][0] == 200  # the lock gone, the first request got its answer


def _wait_for_a_web_request_waiting_on_a_lock(probe) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        waiting = probe.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'foxreviews-web'"
            " AND datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]
        if waiting:
            return
        time.sleep(0.05)
    raise AssertionError("no request of the web process waited for the lock")
