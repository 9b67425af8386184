import psycopg
import pytest
from django.db import OperationalError, connection

from foxreviews.core.db_health import Unavailable, database_unavailable
from foxreviews.runtime.ports import free_port


@pytest.mark.django_db
def test_health_reports_database_and_redis(client):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failed"] == []
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True


@pytest.mark.django_db
def test_health_is_503_when_redis_is_unreachable(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        }
    }
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["redis"]
    assert response.json()["checks"]["redis"]["ok"] is False


@pytest.mark.django_db
def test_migrations_created_the_search_extensions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension")
        installed = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")
        vector_available = cursor.fetchone() is not None
    assert {"pg_trgm", "unaccent"} <= installed
    assert ("vector" in installed) == vector_available


@pytest.mark.django_db
def test_a_query_cancelled_by_a_working_database_is_not_called_unreachable():
    with connection.cursor() as cursor, pytest.raises(OperationalError) as caught:
        cursor.execute("SET LOCAL statement_timeout = 1; SELECT pg_sleep(1)")
    assert database_unavailable(caught.value) is None  # still a 500: a bug, not an outage


def test_a_refused_connection_is_unreachable():
    params = {**connection.get_connection_params(), "host": "127.0.0.1", "port": free_port()}
    with pytest.raises(psycopg.OperationalError) as caught:
        psycopg.connect(**params)
    assert database_unavailable(caught.value) is Unavailable.UNREACHABLE


def test_live_answers_without_touching_the_database_or_redis(client, settings):
    # no django_db mark: a query would raise
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens: live must not care
        }
    }
    response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_ready_checks_database_redis_broker_and_migrations(client):
    response = client.get("/health/ready/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ready" and body["failed"] == []
    assert sorted(body["checks"]) == ["broker", "database", "migrations", "redis"]
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_ready_is_503_naming_an_unreachable_broker(client):
    from celery import current_app

    url = current_app.conf.broker_url
    current_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/health/ready/")
    finally:
        current_app.conf.broker_url = url
    assert response.status_code == 503
    assert response.json()["failed"] == ["broker"]
    assert "ConnectionError" in response.json()["checks"]["broker"]["error"]


@pytest.mark.django_db
def test_ready_is_503_while_a_migration_is_not_applied(client, monkeypatch):
    from django.db.migrations.recorder import MigrationRecorder

    from foxreviews.core import health

    monkeypatch.setattr(health, "_migrations_applied", False)
    MigrationRecorder.Migration.objects.filter(app="core").order_by("-id")[:1].get().delete()
    response = client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert response.json()["checks"]["migrations"]["error"].startswith(
        "RuntimeError: 1 migration(s) not applied: core."
    )
    assert health._migrations_applied is False
