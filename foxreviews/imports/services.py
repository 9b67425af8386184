"""Writes on ImportLog rows: open a run, then close it with its counters."""

from typing import Any

from django.utils import timezone

from .models import ImportLog


def import_log_start(*, type: str, source: str = "") -> ImportLog:
    return ImportLog.objects.create(
        type=type, source=source, status=ImportLog.Status.RUNNING, started_at=timezone.now()
    )


def import_log_finish(
    *,
    import_log: ImportLog,
    rows_read: int = 0,
    rows_created: int = 0,
    rows_updated: int = 0,
    rows_unchanged: int = 0,
    rows_rejected: int = 0,
    errors: list[Any] | None = None,
    stats: dict[str, Any] | None = None,
    failed: bool = False,
) -> ImportLog:
    import_log.rows_read = rows_read
    import_log.rows_created = rows_created
    import_log.rows_updated = rows_updated
    import_log.rows_unchanged = rows_unchanged
    import_log.rows_rejected = rows_rejected
    import_log.errors = errors or []
    import_log.stats = stats or {}
    import_log.finished_at = timezone.now()
    if failed:
        import_log.status = ImportLog.Status.FAILED
    elif rows_rejected:
        import_log.status = ImportLog.Status.PARTIAL
    else:
        import_log.status = ImportLog.Status.SUCCESS
    import_log.save()
    return import_log
