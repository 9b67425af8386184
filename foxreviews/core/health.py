"""GET /health/: are the database (and its replica, when there is one) and Redis reachable?
200 when all are, else 503."""

import time

from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.http import require_GET


def _check(fn) -> dict:
    started = time.perf_counter()
    try:
        fn()
    except Exception as exc:
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")


def _redis() -> None:
    cache.set("health:ping", "1", timeout=5)


@require_GET
def health_view(request):
    checks = {"database": _check(_database), "redis": _check(_redis)}
    if "replica" in connections:
        checks["replica"] = _check(lambda: _database("replica"))
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "degraded", "checks": checks}, status=200 if ok else 503
    )
