"""The test database seen from outside the test's own session: its URL for subprocesses (the
web process as `foxreviews up` runs it, manage.py commands) and a raw connection of its own."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator

import psycopg
from django.conf import settings
from django.db import connection

from foxreviews.runtime.ports import free_port, web_answers


def database_url(**changes) -> str:
    """The test database's URL; `changes` override user, host, port or dbname. A host may be
    a Unix socket's folder (the embedded server's), hence host and port in the query."""
    params = {**connection.get_connection_params(), **changes}
    query = urllib.parse.urlencode(
        {"host": params["host"], "port": params.get("port") or 5432}, safe="/"
    )
    return f"postgresql://{params['user']}@/{params['dbname']}?{query}"


def raw_connection() -> psycopg.Connection:
    """A session of its own on the test database (autocommit), outside Django's."""
    return psycopg.connect(**connection.get_connection_params(), autocommit=True)


@contextlib.contextmanager
def web_process(command: list[str] | None = None, **env_changes: str) -> Iterator[int]:
    """Serve until the block ends; yields the port. Stops the process it started. `command`:
    another command line for it ("{port}" where the port goes; the image's, in tests/deploy);
    `env_changes` last, DJANGO_SETTINGS_MODULE included (local settings by default)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "FOXREVIEWS_PROCESS": "web",
           "DJANGO_SECRET_KEY": "test-only-not-secret", "LOG_LEVEL": "WARNING",
           # its rate limits counted under this run's keys (a shared Redis: no one else's)
           "RATE_LIMIT_KEY_PREFIX": f"{settings.TEST_RUN_PREFIX}:limits"}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(env_changes)
    command = command or ["python", "-m", "foxreviews.runtime.web", "--port", "{port}"]
    process = subprocess.Popen(
        [sys.executable if part == "python" else part.replace("{port}", str(port))
         for part in command],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        if not web_answers(base, seconds=60, alive=lambda: process.poll() is None, any_status=True):
            raise AssertionError("the web process did not answer")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
