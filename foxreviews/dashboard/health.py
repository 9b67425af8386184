"""GET /health/detailed/ (staff only, 403 for anyone else): versions, the Celery queues' lengths
and the workers online (the dashboard's own readers), the last import and the last INSEE sync,
the replica's lag, the disk free under the var folder and the last backup. It lives here, above
core, because it reuses the dashboard's readers; the cheap checks stay in core/health.py."""

from __future__ import annotations

import platform
import shutil
from importlib import metadata
from typing import Any

import django
import structlog
from django.conf import settings
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from foxreviews.core.health import last_backup
from foxreviews.imports.models import ImportLog

from .selectors import queues, workers

logger = structlog.get_logger(__name__)

REPLICA_LAG_SQL = """
SELECT CASE WHEN pg_is_in_recovery()
            THEN coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0)
            ELSE 0 END
"""


def versions() -> dict[str, Any]:
    pg = connections["default"].pg_version  # e.g. 180001 (an int; no query once connected)
    return {
        "foxreviews": metadata.version("foxreviews"),
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": f"{pg // 10000}.{pg % 10000}",
    }


def last_runs() -> dict[str, Any]:
    """The last finished import (any file or reference load) and the last INSEE sync: two
    indexed reads of one row each."""
    finished = ImportLog.objects.filter(finished_at__isnull=False).order_by("-finished_at")
    return {
        "import": _run(finished.exclude(type=ImportLog.Type.SIRENE_API).first()),
        "sync": _run(finished.filter(type=ImportLog.Type.SIRENE_API).first()),
    }


def _run(log: ImportLog | None) -> dict[str, Any] | None:
    if log is None:
        return None
    return {
        "id": log.pk,
        "type": log.type,
        "status": log.status,
        "finished_at": log.finished_at.isoformat(timespec="seconds"),
        "rows_read": log.rows_read,
    }


def replica_lag_seconds() -> float | None:
    """Seconds since the replica replayed the primary's last transaction (None without a
    replica, or with one out of reach)."""
    if "replica" not in connections:
        return None
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute(REPLICA_LAG_SQL)
            return round(float(cursor.fetchone()[0]), 3)
    except Exception as exc:
        logger.warning("replica lag not read", error=str(exc)[:200])
        return None


def disk_free() -> dict[str, Any] | None:
    try:
        usage = shutil.disk_usage(settings.VAR_DIR)
    except OSError:  # the folder not created yet
        return None
    return {
        "path": str(settings.VAR_DIR),
        "free_bytes": usage.free,
        "free_percent": round(100 * usage.free / usage.total, 1),
    }


@never_cache
@require_GET
def health_detailed_view(request: HttpRequest) -> JsonResponse:
    if not (request.user.is_active and request.user.is_staff):
        return JsonResponse({"message": "Réservé à l'équipe.", "extra": {}}, status=403)
    return JsonResponse(
        {
            "versions": versions(),
            "queues": queues(),
            "workers": workers(),
            "last_runs": last_runs(),
            "replica_lag_seconds": replica_lag_seconds(),
            "disk": disk_free(),
            "backup": last_backup(),
        }
    )
