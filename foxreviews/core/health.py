"""GET /health/: are the database (and its replica, when there is one) and Redis reachable?
200 when all are, else 503 naming the checks that failed and why (a database down and a pool
with no free connection are told apart). It also says when the last backup was written (never
a failure: a new installation has none)."""

import time
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from foxreviews.core.db_health import Unavailable, database_unavailable
from foxreviews.core.paths import BACKUP_MANIFEST_SUFFIX

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


def _last_backup() -> dict:
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
            "backup": _last_backup(),
        },
        status=503 if failed else 200,
    )
