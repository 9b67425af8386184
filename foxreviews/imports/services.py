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
    error: str = "",
) -> ImportLog:
    import_log.rows_read = rows_read
    import_log.rows_created = rows_created
    import_log.rows_updated = rows_updated
    import_log.rows_unchanged = rows_unchanged
    import_log.rows_rejected = rows_rejected
    import_log.errors = errors or []
    import_log.stats = stats or {}
    import_log.finished_at = timezone.now()
    import_log.error = error[:500]
    if failed:
        import_log.status = ImportLog.Status.FAILED
    elif rows_rejected:
        import_log.status = ImportLog.Status.PARTIAL
    else:
        import_log.status = ImportLog.Status.SUCCESS
    import_log.save()
    return import_log


def import_log_resume(*, import_log: ImportLog) -> ImportLog:
    """A failed or interrupted run taken up again from its checkpoint."""
    import_log.status = ImportLog.Status.RUNNING
    import_log.error = ""
    import_log.finished_at = None
    import_log.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return import_log


INTERRUPTED = (
    "interrupted: the process stopped before the end (killed, or the machine went down); "
    "run the same command again to resume"
)


def import_logs_interrupted(*, type: str, keep_id: int | None) -> int:
    """Runs of `type` still marked running when none can be (the caller holds the import
    lock): they were killed. Returns how many were marked failed."""
    return (
        ImportLog.objects.filter(type=type, status=ImportLog.Status.RUNNING)
        .exclude(pk=keep_id)
        .update(
            status=ImportLog.Status.FAILED,
            error=INTERRUPTED,
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
    )
