"""GET /health/: are the database (and its replica, when there is one) and Redis reachable?
200 when all are, else 503 naming the checks that failed and why (a database down and a pool
with no free connection are told apart). It also says when the last backup was written (never
a failure: a new installation has none).

GET /health/live/: the process answers (no database, Redis or broker touched: an orchestrator
restarts a process that stops answering, not one whose database is down). A web process answers
it in its ASGI application (`answer_liveness_first`, config/asgi.py), before the WSGI thread pool
and Django's middleware: a probe costs the event loop alone (p95 2.6 ms through Django, see
bench/RESULTS.md) and is not counted in /metrics. A worker whose Django side is stuck (every pool
thread busy) still answers it: /health/ready/, which goes through Django and the pool, is the
probe that takes such a process out of the load balancer. `live_view` answers the same through
Django (a WSGI server, the test client).
GET /health/ready/: the database, Redis and the broker answer, every migration is applied (read
once, then remembered by the process: a process that saw them all applied keeps them), and the
replica when there is one; 503 naming the failing checks otherwise (take the process out of the
load balancer until it is ready)."""

import functools
import time
from datetime import UTC, datetime
from pathlib import Path

import redis
from celery import current_app
from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from foxreviews.core.db_health import Unavailable, database_unavailable
from foxreviews.core.paths import BACKUP_MANIFEST_SUFFIX
from foxreviews.core.request_id import request_id_from

WHY = {
    Unavailable.UNREACHABLE: "database unreachable",
    Unavailable.BUSY: "every pooled connection in use",
}


def _check(fn, database: str | None = None) -> dict:
    started = time.perf_counter()
    try:
        fn()
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
        unavailable = database_unavailable(exc, database) if database else None
        if unavailable is not None:
            error = f"{WHY[unavailable]} ({error})"
        return {"ok": False, "error": error}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    cache.set("health:ping", "1", timeout=5)


BROKER_TIMEOUT = 1.0  # seconds a broker has to answer a readiness check
_migrations_applied = False  # once True, stays True for the process


def _broker() -> None:
    """PING on a Redis broker (one cached client); another broker: a connection opened."""
    url = current_app.conf.broker_url or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        _broker_client(url).ping()
        return
    with current_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT)


@functools.cache
def _broker_client(url: str) -> redis.Redis:
    return redis.Redis.from_url(
        url, socket_timeout=BROKER_TIMEOUT, socket_connect_timeout=BROKER_TIMEOUT
    )


def _migrations() -> None:
    global _migrations_applied
    if _migrations_applied:
        return
    executor = MigrationExecutor(connections["default"])
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in pending[:5])
        raise RuntimeError(f"{len(pending)} migration(s) not applied: {names}")
    _migrations_applied = True


def last_backup() -> dict:
    """When the newest manifest in BACKUP_DIR was written (a backup's last file): no query."""
    try:
        manifests = Path(settings.BACKUP_DIR).glob(f"*{BACKUP_MANIFEST_SUFFIX}")
        written = max((path.stat().st_mtime for path in manifests), default=None)
    except OSError:
        written = None
    if written is None:
        return {"last": None, "age_hours": None}
    return {
        "last": datetime.fromtimestamp(written, UTC).isoformat(timespec="seconds"),
        "age_hours": round((time.time() - written) / 3600, 1),
    }


@require_GET
def health_view(request):
    checks = {"database": _check(_database, "default"), "redis": _check(_redis)}
    if "replica" in connections:
        checks["replica"] = _check(lambda: _database("replica"), "replica")
    failed = [name for name, check in checks.items() if not check["ok"]]
    return JsonResponse(
        {
            "status": "degraded" if failed else "ok",
            "failed": failed,
            "checks": checks,
            "backup": last_backup(),
        },
        status=503 if failed else 200,
    )


LIVE_PATH = "/health/live/"
LIVE_BODY = b'{"status":"ok"}'


@never_cache
@require_GET
def live_view(request):
    return HttpResponse(LIVE_BODY, content_type="application/json")


def answer_liveness_first(app):
    """ASGI: GET /health/live/ answered here, as live_view would (JSON, not cached, the request
    id returned); any other request, another method on that path included, goes on to `app`."""
    no_cache = b"max-age=0, no-cache, no-store, must-revalidate, private"

    async def application(scope, receive, send):
        if scope["type"] != "http" or scope["path"] != LIVE_PATH or scope["method"] != "GET":
            return await app(scope, receive, send)
        incoming = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"")
        request_id = request_id_from(incoming.decode("latin-1"))
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(LIVE_BODY)).encode()),
            (b"cache-control", no_cache),
            (b"x-content-type-options", b"nosniff"),
            (b"x-request-id", request_id.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": LIVE_BODY})
        return None

    return application


@never_cache
@require_GET
def ready_view(request):
    checks = {
        "database": _check(_database, "default"),
        "redis": _check(_redis),
        "broker": _check(_broker),
    }
    checks["migrations"] = (
        _check(_migrations) if checks["database"]["ok"] else {"ok": False, "error": "database"}
    )
    if "replica" in connections:
        checks["replica"] = _check(lambda: _database("replica"), "replica")
    failed = [name for name, check in checks.items() if not check["ok"]]
    return JsonResponse(
        {"status": "not ready" if failed else "ready", "failed": failed, "checks": checks},
        status=503 if failed else 200,
    )
