"""Flower, started as the Procfile starts it, listens on this machine only, even when the web
server is open to others (FOXREVIEWS_HOST=0.0.0.0): Flower itself serves /metrics and
/healthcheck without a login, whatever its options."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from honcho.environ import parse_procfile

from foxreviews.core.tests.webserver import database_url
from foxreviews.runtime.ports import free_port
from foxreviews.runtime.supervisor import PROCFILE

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
LOGIN = "admin:flower-test-secret"


def _status(url: str, login: str | None = None) -> int:
    request = urllib.request.Request(url)
    if login:
        request.add_header("Authorization", "Basic " + base64.b64encode(login.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def flower_port(tmp_path):
    """Flower started with the Procfile's own command line, through a shell as honcho does."""
    port = free_port()
    command = parse_procfile(PROCFILE.read_text()).processes["flower"]
    env = {
        **os.environ,
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.test",  # this run's Redis keys
        "DATABASE_URL": database_url(), "REDIS_URL": settings.REDIS_URL,
        "FOXREVIEWS_HOST": "0.0.0.0",  # noqa: S104 (the web server open to others)
        "FLOWER_PORT": str(port), "FLOWER_BASIC_AUTH": LOGIN,
        "FOXREVIEWS_VAR_DIR": str(tmp_path),
    }  # fmt: skip
    env.pop("FLOWER_ADDRESS", None)
    process = subprocess.Popen(
        ["/bin/sh", "-c", command], env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _connects("127.0.0.1", port) is False:
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError("Flower did not start")
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the shell and Flower: the session it leads
        # the shell may end before Flower does: wait for the whole group, then kill what is left
        if not _group_ended(process, seconds=30):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _group_ended(leader: subprocess.Popen, *, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        leader.poll()  # the shell reaped once it ends (a zombie still counts in its group)
        try:
            os.killpg(leader.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def _connects(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        return sock.connect_ex((host, port)) == 0


def test_flower_listens_on_the_loopback_address_only(flower_port):
    assert _connects("127.0.0.1", flower_port) is True
    # another address of this machine, as another host would reach it: nothing listens there
    assert _connects("127.0.0.2", flower_port) is False


def test_flower_asks_for_its_login_except_on_what_it_never_protects(flower_port):
    base = f"http://127.0.0.1:{flower_port}"
    for path in ("/", "/workers", "/tasks", "/api/workers", "/api/tasks", "/broker"):
        assert (path, _status(base + path)) == (path, 401)
        assert (path, _status(base + path, "admin:wrong")) == (path, 401)
    assert _status(base + "/workers", LOGIN) == 200
    # Flower serves these two to anyone who reaches it: hence the loopback address
    assert _status(base + "/metrics") == 200
    assert _status(base + "/healthcheck") == 200
