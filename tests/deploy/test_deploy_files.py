"""deploy/ without Docker (no daemon here): the Dockerfile parsed (dockerfile-parse), compose.yaml
and .env.example parsed and interpolated as Docker Compose does (deploy/render.py), the CI
workflow's jobs; then each image command line run as compose.yaml gives it."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from check_jsonschema import main as check_jsonschema
from dockerfile_parse import DockerfileParser

from deploy.render import interpolated, read_env_file, render_template, service_environment

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
APP_SERVICES = {"migrate", "static", "web", "worker", "beat", "flower"}


def _stages() -> list[list[dict]]:
    """The Dockerfile's instructions, one list per stage (FROM first)."""
    stages: list[list[dict]] = []
    for instruction in DockerfileParser(str(DEPLOY / "Dockerfile")).structure:
        if instruction["instruction"] == "FROM":
            stages.append([])
        if stages and instruction["instruction"] != "COMMENT":
            stages[-1].append(instruction)
    return stages


def _compose(env: dict[str, str] | None = None) -> dict:
    text = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return interpolated(text, env if env is not None else _example_env())


def _example_env() -> dict[str, str]:
    return read_env_file(DEPLOY / ".env.example")


@pytest.mark.parametrize(
    ("schema", "path"),
    [("vendor.compose-spec", "deploy/compose.yaml"),
     ("vendor.github-workflows", ".github/workflows/ci.yml")],
)  # fmt: skip
def test_compose_and_the_workflow_match_their_published_schemas(schema, path):
    """The Compose Specification's and GitHub's workflow schemas, as check-jsonschema ships them
    (no download)."""
    assert (
        check_jsonschema(["--builtin-schema", schema, str(ROOT / path)], standalone_mode=False) == 0
    )


def test_the_image_is_built_in_two_stages_and_runs_without_compilers_as_its_own_user():
    builder, final = _stages()
    assert builder[0]["value"] == "${PYTHON_IMAGE} AS builder"
    assert final[0]["value"] == "${PYTHON_IMAGE} AS app"
    args = DockerfileParser(str(DEPLOY / "Dockerfile")).structure
    assert any(i["value"] == "PYTHON_IMAGE=python:3.11-slim-bookworm" for i in args)  # pinned
    final_runs = " ".join(i["value"] for i in final if i["instruction"] == "RUN")
    assert not re.search(r"build-essential|gcc|apt-get install", final_runs)
    assert "build-essential" in " ".join(i["value"] for i in builder if i["instruction"] == "RUN")
    users = [i["value"] for i in final if i["instruction"] == "USER"]
    assert users == ["foxreviews:foxreviews"]
    assert "useradd --system --uid 10001" in final_runs
    # what the final stage takes from the builder: the virtualenv and the code, nothing else
    copies = [i["value"] for i in final if i["instruction"] == "COPY"]
    assert copies == [
        "--from=builder /opt/venv /opt/venv",
        "--from=builder /app /app",
        "deploy/healthcheck.py /usr/local/bin/foxreviews-healthcheck",
    ]
    (healthcheck,) = [i["value"] for i in final if i["instruction"] == "HEALTHCHECK"]
    assert healthcheck.endswith('CMD ["python", "/usr/local/bin/foxreviews-healthcheck"]')
    assert [i["value"] for i in final if i["instruction"] == "EXPOSE"] == ["8000"]
    # the image's default command is compose's web command (test_deploy_nginx starts it)
    (command,) = [i["value"] for i in final if i["instruction"] == "CMD"]
    assert json.loads(command) == _compose()["services"]["web"]["command"]


def test_the_static_files_are_collected_at_build_time_with_the_production_settings():
    builder, final = _stages()
    (collect,) = [i["value"] for i in builder if "collectstatic" in i["value"]]
    assert "DJANGO_SETTINGS_MODULE=config.settings.production" in collect
    assert "DJANGO_STATIC_ROOT=/app/static" in collect
    env = " ".join(i["value"] for i in final if i["instruction"] == "ENV")
    assert "DJANGO_STATIC_ROOT=/app/static" in env  # the manifest is read where it was written
    # dependencies from the lock file, before the code (their layer survives a code change)
    runs = [i["value"] for i in builder if i["instruction"] in ("RUN", "COPY")]
    assert runs.index("pip install -r requirements/constraints.txt") < runs.index(
        "foxreviews foxreviews"
    )


def test_compose_runs_every_process_from_one_image_behind_nginx():
    compose = _compose()
    services = compose["services"]
    assert set(services) == APP_SERVICES | {"nginx", "postgres", "redis"}
    images = {services[name]["image"] for name in APP_SERVICES}
    assert images == {"foxreviews:latest"}
    assert all(
        services[name]["build"]["dockerfile"] == "deploy/Dockerfile" for name in APP_SERVICES
    )
    assert services["web"]["deploy"]["replicas"] == 2
    assert services["postgres"]["image"] == "pgvector/pgvector:pg18"
    assert services["redis"]["image"].startswith("redis:7")
    # only nginx is reachable from outside; Flower on the host's loopback
    published = {name: s.get("ports") for name, s in services.items() if s.get("ports")}
    assert published == {"nginx": ["80:80", "443:443"], "flower": ["127.0.0.1:5555:5555"]}
    assert set(compose["volumes"]) == {"db", "var", "backups", "static", "redis", "certbot"}
    assert "db:/var/lib/postgresql" in services["postgres"]["volumes"]
    assert "var:/var/lib/foxreviews" in services["web"]["volumes"]
    assert "backups:/var/backups/foxreviews" in services["worker"]["volumes"]
    assert "backups:/var/backups/foxreviews:ro" in services["web"]["volumes"]
    for name in ("web", "worker"):  # written by the worker, its age read by /health/
        environment = service_environment(compose, name, _example_env())
        assert environment["BACKUP_DIR"] == "/var/backups/foxreviews"
    assert "static:/srv/static:ro" in services["nginx"]["volumes"]
    assert services["nginx"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert services["web"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }
    # each long-running process is watched, beat excepted (it serves nothing)
    for name in ("worker", "flower", "nginx", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"], name
    assert services["beat"]["healthcheck"] == {"disable": True}
    # nginx's template gets every variable it uses from compose, and only those are replaced
    nginx = services["nginx"]["environment"]
    assert nginx["NGINX_ENVSUBST_FILTER"] == "^NGINX_"
    template = (DEPLOY / "nginx" / "templates" / "default.conf.template").read_text()
    rendered = render_template(template, {k: str(v) for k, v in nginx.items()})
    assert "server web:8000 max_fails=3 fail_timeout=10s;" in rendered
    assert "server_name foxreviews.example.org;" in rendered
    assert "./nginx/templates:/etc/nginx/templates:ro" in services["nginx"]["volumes"]


def test_the_example_env_file_fills_every_variable_and_holds_no_secret():
    env = _example_env()
    for name in ("DJANGO_SECRET_KEY", "POSTGRES_PASSWORD"):
        assert env[name] == "change-me"
    assert env["FLOWER_BASIC_AUTH"] == "admin:change-me"
    assert ":change-me@" in env["EMAIL_URL"]
    assert not env["STRIPE_SECRET_KEY"] and not env["INSEE_API_KEY"]
    web = service_environment(_compose(env), "web", env)
    assert web["DATABASE_URL"] == "postgres://foxreviews:change-me@postgres:5432/foxreviews"
    assert web["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert web["FOXREVIEWS_PROCESS"] == "web"
    # without the file, compose refuses to start instead of running with an empty password
    with pytest.raises(ValueError, match="POSTGRES_PASSWORD"):
        _compose({})


def test_the_ci_workflow_mirrors_ci_run():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    jobs = workflow["jobs"]
    assert set(jobs) == {"lint", "test", "image", "audit"}
    test = jobs["test"]
    assert test["services"]["postgres"]["image"] == "pgvector/pgvector:${{ matrix.postgres }}"
    assert test["strategy"]["matrix"]["postgres"] == ["pg18", "pg15"]
    assert test["services"]["rabbitmq"]["image"].startswith("rabbitmq:")
    assert test["services"]["redis"]["image"].startswith("redis:7")
    runs = {
        job: " ".join(step.get("run", "") for step in spec["steps"]) for job, spec in jobs.items()
    }
    uses = {
        job: " ".join(step.get("uses", "") for step in spec["steps"]) for job, spec in jobs.items()
    }
    for job in ("lint", "test", "audit"):  # the lock files, as `make install` uses them
        assert "-c requirements/constraints-dev.txt" in runs[job], job
    assert "ruff check ." in runs["lint"] and "ruff format --check ." in runs["lint"]
    assert "lint-imports" in runs["lint"]
    assert "pytest" in runs["test"]
    assert "amqp://" in str(jobs["test"]["steps"])  # make test-rabbitmq's tests
    assert (
        "docker/build-push-action" in uses["image"]
        and "docker/setup-buildx-action" in uses["image"]
    )
    assert "pip-audit" in runs["audit"] and "cyclonedx-py" in runs["audit"]
    assert test["env"]["DATABASE_URL"].startswith("postgres://postgres:postgres@localhost:5432/")


@pytest.mark.slow
def test_the_migrate_worker_beat_and_flower_command_lines_start(tmp_path):
    """Each command line of compose.yaml as the container runs it (with --help: the broker and
    the database are the container's); the web one is started for real by test_deploy_nginx."""
    env_file = _example_env()
    compose = _compose(env_file)
    processes = {}
    for name in ("migrate", "worker", "beat", "flower"):
        command = compose["services"][name]["command"]
        assert command[0] == "python", name
        env = {**service_environment(compose, name, env_file), "PATH": os.environ["PATH"],
               "DJANGO_SECRET_KEY": "x" * 50, "FOXREVIEWS_VAR_DIR": str(tmp_path)}  # fmt: skip
        processes[name] = subprocess.Popen(
            [sys.executable, *command[1:], "--help"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
    for name, process in processes.items():
        output, _ = process.communicate(timeout=60)
        assert process.returncode == 0, f"{name}: {output}"
        assert "usage" in output.lower(), f"{name}: {output}"
