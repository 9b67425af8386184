"""Whoever starts an embedded server stops it; a server found running is left running;
importing the settings starts nothing and creates nothing."""

from __future__ import annotations

import os
import subprocess
import sys
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
        assert EmbeddedPostgres(var / "postgres").running_pid_and_port() is None  # and stopped
        assert found.running_pid_and_port() is not None  # the one it found runs on
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
    assert EmbeddedPostgres(var / "postgres").running_pid_and_port() is None  # ...and stopped
