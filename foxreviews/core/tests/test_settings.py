import os
import secrets
import subprocess
import sys

import pytest
import yaml
from django.conf import settings

from config.settings.base import database, redis_db
from deploy.render import interpolated, read_env_file, service_environment


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


def _example_environment() -> dict[str, str]:
    """A web container's environment from deploy/.env.example and compose.yaml, as is."""
    compose = yaml.safe_load((settings.BASE_DIR / "deploy" / "compose.yaml").read_text())
    env_file = read_env_file(settings.BASE_DIR / "deploy" / ".env.example")
    return service_environment(interpolated(compose, env_file), "web", env_file)


def _check_deploy(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "PATH": os.environ["PATH"]}, cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


@pytest.mark.slow
def test_the_production_settings_pass_djangos_deployment_checks(tmp_path):
    """With the variables production requires, and with deploy/.env.example's once its
    `change-me` values are replaced (as the README's checklist says); left as they are, the
    placeholder secret key is refused. The three checks run side by side."""
    required = {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "foxreviews.fr",
        "DATABASE_URL": "postgres://app@db.invalid:5432/foxreviews",
        "REDIS_URL": "redis://cache.invalid:6379/0", "FOXREVIEWS_VAR_DIR": str(tmp_path),
    }  # fmt: skip
    example = {**_example_environment(), "FOXREVIEWS_VAR_DIR": str(tmp_path)}
    assert example["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    filled = {
        name: value.replace("change-me", secrets.token_urlsafe(50) if name == "DJANGO_SECRET_KEY"
                            else secrets.token_hex(16))
        for name, value in example.items()
    }  # fmt: skip
    runs = {name: _check_deploy(env) for name, env in
            (("required", required), ("example", filled), ("placeholders", example))}  # fmt: skip
    outputs = {name: run.communicate(timeout=120)[0] for name, run in runs.items()}
    for name in ("required", "example"):
        assert runs[name].returncode == 0, outputs[name]
        assert "System check identified no issues" in outputs[name], outputs[name]
    assert runs["placeholders"].returncode == 1
    assert "security.W009" in outputs["placeholders"]  # the secret key "change-me"
