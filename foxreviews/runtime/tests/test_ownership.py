"""Whoever starts an embedded server stops it; a server found running is left running;
importing the settings starts nothing and creates nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from foxreviews.runtime.bootstrap import embedded_services
from foxreviews.runtime.postgres import EmbeddedPostgres
from foxreviews.runtime.redis import EmbeddedRedis

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[3]


def _env(var: Path, **changes) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOXREVIEWS_EMBEDDED")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(FOXREVIEWS_VAR_DIR=str(var), **changes)
    return {k: v for k, v in env.items() if v is not None}


def test_importing_the_settings_starts_nothing_and_creates_nothing(tmp_path):
    var = tmp_path / "var"
    code = "import config.settings.local, config.settings.production, config.settings.base"
    env = _env(var, DATABASE_URL="postgres://nobody@127.0.0.1:1/none",
               REDIS_URL="redis://127.0.0.1:1/0", DJANGO_SECRET_KEY="x",
               DJANGO_ALLOWED_HOSTS="example.org")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert not var.exists()


def test_a_command_stops_the_servers_it_started_and_leaves_those_it_found(tmp_path):
    var = tmp_path / "var"
    found = EmbeddedRedis(var / "redis")
    found.ensure_running()  # someone else's, running before the command
    try:
        env = _env(var, DATABASE_URL=None, REDIS_URL=None, DJANGO_SECRET_KEY="x")
        done = subprocess.run([sys.executable, str(ROOT / "manage.py"), "check"], env=env,
                              capture_output=True, text=True, timeout=300)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        assert (var / "postgres" / "data" / "PG_VERSION").exists()  # it did start one
        assert EmbeddedPostgres(var / "postgres").running() is None  # and stopped
        assert found.running() is not None  # the one it found runs on
    finally:
        found.stop()


def test_a_failed_redis_start_leaves_no_postgresql_behind(tmp_path, monkeypatch):
    var = tmp_path / "var"
    var.mkdir()
    (var / "redis").write_text("a file where Redis wants its folder")
    monkeypatch.setenv("FOXREVIEWS_VAR_DIR", str(var))
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.delenv("REDIS_URL")
    with pytest.raises(OSError), embedded_services():
        pass
    assert "DATABASE_URL" not in os.environ  # the environment as it was
    assert (var / "postgres" / "data" / "PG_VERSION").exists()  # it was started...
    assert EmbeddedPostgres(var / "postgres").running() is None  # ...and stopped


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGHUP], ids=["term", "hangup"])
def test_a_command_stopped_by_a_signal_stops_the_servers_it_started(tmp_path, stop_signal):
    var = tmp_path / "var"
    env = _env(var, DATABASE_URL=None, REDIS_URL=None, DJANGO_SECRET_KEY="x")
    command = [
        sys.executable,
        str(ROOT / "manage.py"),
        "shell",
        "-c",
        "import time; time.sleep(120)",
    ]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    postgres, redis = EmbeddedPostgres(var / "postgres"), EmbeddedRedis(var / "redis")
    try:
        deadline = time.monotonic() + 120
        while postgres.running() is None or redis.running() is None:
            assert process.poll() is None and time.monotonic() < deadline, "servers not started"
            time.sleep(0.2)
        time.sleep(2)  # into the shell's sleep
        process.send_signal(stop_signal)
        assert process.wait(timeout=60) == 128 + stop_signal
    finally:
        process.kill()
        process.wait()
    assert postgres.running() is None
    assert redis.running() is None
