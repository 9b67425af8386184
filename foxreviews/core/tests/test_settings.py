import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from config.settings.base import database, redis_db


def test_redis_db_swaps_the_logical_database():
    assert redis_db("redis://127.0.0.1:6379/0", 3) == "redis://127.0.0.1:6379/3"
    assert redis_db("redis://127.0.0.1:6379", 2) == "redis://127.0.0.1:6379/2"
    assert redis_db("redis://:pw@cache:6380/7", 1) == "redis://:pw@cache:6380/1"


def test_statements_are_prepared_only_with_server_side_binding_never_behind_pgbouncer(
    monkeypatch,
):
    url = "postgresql://app@db:5432/foxreviews"
    for name in ("SERVER_SIDE_BINDING", "PGBOUNCER", "PREPARE_THRESHOLD"):
        monkeypatch.delenv(f"DATABASE_{name}", raising=False)
    plain = database(url)["OPTIONS"]
    assert "server_side_binding" not in plain and "prepare_threshold" not in plain  # never
    monkeypatch.setenv("DATABASE_SERVER_SIDE_BINDING", "true")
    bound = database(url)["OPTIONS"]
    assert bound["server_side_binding"] is True and bound["prepare_threshold"] == 5
    monkeypatch.setenv("DATABASE_PGBOUNCER", "true")
    pooled = database(url)
    assert "server_side_binding" not in pooled["OPTIONS"]
    assert "prepare_threshold" not in pooled["OPTIONS"]  # Django's default: None, never
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True


@pytest.mark.slow
def test_the_production_settings_pass_djangos_deployment_checks(tmp_path):
    env = {
        "PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "foxreviews.fr",
        "DATABASE_URL": "postgres://app@db.invalid:5432/foxreviews",
        "REDIS_URL": "redis://cache.invalid:6379/0", "FOXREVIEWS_VAR_DIR": str(tmp_path),
    }  # fmt: skip
    done = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
