"""Smoke test of `foxreviews up`: it starts everything, answers over HTTP, and Ctrl-C (SIGINT)
stops every process it started.

With the embedded servers it runs in a fresh var/ folder, so the whole path (initdb included)
is exercised; with DATABASE_URL set it uses a throw-away database on that server.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import psutil
import psycopg
import pytest

from foxreviews.dashboard.tests.metrics_scrape import parse, value
from foxreviews.runtime.ports import free_port
from foxreviews.stats.tasks import refresh_statistics

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def _external_database(base_url: str) -> tuple[str, str]:
    name = f"foxreviews_smoke_{uuid.uuid4().hex[:8]}"
    parts = urllib.parse.urlsplit(base_url)
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}")), admin_url


@pytest.fixture
def up_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOXREVIEWS_EMBEDDED")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env["FOXREVIEWS_VAR_DIR"] = str(tmp_path / "var")
    env["FOXREVIEWS_ADMIN_PASSWORD"] = "smoke-test-password"
    env["PYTHONUNBUFFERED"] = "1"
    created_db = None
    if os.environ.get("FOXREVIEWS_EMBEDDED_POSTGRES"):
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"], admin_url = _external_database(os.environ["DATABASE_URL"])
        created_db = env["DATABASE_URL"].rsplit("/", 1)[1]
    if os.environ.get("FOXREVIEWS_EMBEDDED_REDIS"):
        env.pop("REDIS_URL", None)
    yield env
    if created_db:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created_db}" WITH (FORCE)')


def _get(opener, url: str) -> tuple[int, bytes]:
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGHUP], ids=["ctrl-c", "hangup"])
def test_up_serves_the_platform_and_a_signal_leaves_nothing_behind(
    up_environment, tmp_path, stop_signal
):
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "foxreviews"), "up", "--port", str(port), "--demo-count", "150"],
        env=up_environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line)
            if "Press Ctrl-C to stop everything." in line:  # the banner's last line
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(timeout=240), "no banner; output:\n" + "".join(lines[-60:])
        output = "".join(lines)
        base = f"http://127.0.0.1:{port}"
        assert f"{base}/admin/" in output
        assert "login: admin / smoke-test-password" in output

        cookies = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        status, body = _get(opener, f"{base}/health/")
        assert status == 200, body
        assert json.loads(body)["checks"]["database"]["ok"] is True

        # DEBUG off (no FOXREVIEWS_DEBUG): the home page, Django's plain 404 elsewhere rather
        # than its debug page listing every URL pattern
        status, body = _get(opener, f"{base}/")
        assert status == 200, body
        assert "FoxReviews est un annuaire libre" in body.decode()
        status, body = _get(opener, f"{base}/nowhere/")
        assert status == 404
        assert b"URLconf" not in body and b"DEBUG" not in body
        assert _get(opener, f"{base}/favicon.ico")[0] == 200
        assert _get(opener, f"{base}/robots.txt")[0] == 200

        status, body = _get(opener, f"{base}/api/villes/autocomplete/?q=lyon")
        assert status == 200, body
        names = [v["nom"] for v in json.loads(body)]
        assert names[0] == "Lyon"

        status, body = _get(opener, f"{base}/api/entreprises/?page_size=5")
        assert status == 200, body
        page = json.loads(body)
        assert len(page["results"]) == 5
        assert page["next"] is not None

        # the demo data are found by a typo at once, and counted once the worker recounted
        status, body = _get(opener, f"{base}/api/search/?q=boulangrie")
        assert status == 200, body
        assert any("Boulangerie" in e["nom"] for e in json.loads(body)["results"]), body
        assert _stats_once_recounted(opener, base)["entreprises"] == 150

        # /metrics, on under `up`: one scrape of the web process sums its requests and the
        # worker's tasks (one folder for all the processes)
        assert f"{base}/metrics" in output
        autocomplete = {"route": "/api/villes/autocomplete/", "method": "GET", "status": "200"}
        samples = _metrics_once_counted(opener, base)
        assert value(samples, "foxreviews_http_responses_total", **autocomplete) == 1
        assert ("foxreviews_celery_queue_length", (("queue", "maintenance"),)) in samples

        # the admin login works
        status, body = _get(opener, f"{base}/admin/login/")
        # static files are served with DEBUG off too (WhiteNoise, hashed names)
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body).group(1).decode()
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet), stylesheet
        assert _get(opener, f"{base}{stylesheet}")[0] == 200
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token,
                "username": "admin",
                "password": "smoke-test-password",
                "next": "/admin/",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/admin/login/", data=form, headers={"Referer": f"{base}/admin/login/"}
        )
        with opener.open(request, timeout=10) as response:
            admin_page = response.read().decode()
        assert "/admin/logout/" in admin_page
        assert "Entreprises" in admin_page

        status_run = subprocess.run(
            [str(BIN / "foxreviews"), "status"],
            env=up_environment,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert status_run.returncode == 0, status_run.stdout + status_run.stderr
        assert "health" in status_run.stdout and "ok" in status_run.stdout

        second = subprocess.run(
            [str(BIN / "foxreviews"), "up", "--port", str(port + 1)],
            env=up_environment, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert second.returncode == 1
        assert second.stdout.count("\n") + second.stderr.count("\n") == 1
        assert "foxreviews is already running" in second.stdout

        state = json.loads((Path(up_environment["FOXREVIEWS_VAR_DIR"]) / "run/up.json").read_text())
        pids = [state["pid"], *state["children"].values()]
        for name in ("postgres", "redis"):
            pid_port = _embedded_pid(Path(up_environment["FOXREVIEWS_VAR_DIR"]), name)
            if pid_port:
                pids.append(pid_port)
        descendants = [p.pid for p in psutil.Process(process.pid).children(recursive=True)]
    finally:
        process.send_signal(stop_signal)
        try:
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        reader.join(timeout=5)

    assert process.returncode == 0, "".join(lines[-40:])
    assert "Stopped." in "".join(lines)
    time.sleep(0.5)
    survivors = [pid for pid in {*pids, *descendants} if psutil.pid_exists(pid)]
    survivors = [pid for pid in survivors if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]
    assert survivors == [], f"processes left behind: {survivors}"


def _metrics_once_counted(opener, base: str) -> dict:
    """/metrics once the worker's recount is in it (its task_postrun follows the commit)."""
    deadline = time.monotonic() + 15
    while True:
        status, body = _get(opener, f"{base}/metrics")
        assert status == 200, body
        samples = parse(body.decode())
        done = {"task": refresh_statistics.name, "state": "SUCCESS"}
        if value(samples, "foxreviews_celery_tasks_finished_total", **done) >= 1:
            return samples
        assert time.monotonic() < deadline, "the worker's task is not in /metrics"
        time.sleep(0.5)


def _stats_once_recounted(opener, base: str) -> dict:
    """/api/stats/ once it counts something (the worker's recount after the loads)."""
    deadline = time.monotonic() + 90
    while True:
        status, body = _get(opener, f"{base}/api/stats/")
        assert status == 200, body
        stats = json.loads(body)
        if stats["entreprises"] or time.monotonic() > deadline:
            return stats
        time.sleep(1)


def _embedded_pid(var: Path, name: str) -> int | None:
    path = var / "postgres/data/postmaster.pid" if name == "postgres" else var / "redis/redis.pid"
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
