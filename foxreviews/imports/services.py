"""Writes on ImportLog rows: open a run, close it with its counters, delete its files; an
upload's heartbeat, and the uploads lost with their worker or their message."""

from datetime import timedelta
from pathlib import Path
from typing import Any

from django.core.files import File
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from foxreviews.core.paths import ensure_dir, var_dir
from foxreviews.realtime.services import emit, progress_due

from .counters import ImportCounters
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
    resumable: bool = False,
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
    import_log.resumable = resumable
    if failed:
        import_log.status = ImportLog.Status.FAILED
    elif rows_rejected:
        import_log.status = ImportLog.Status.PARTIAL
    else:
        import_log.status = ImportLog.Status.SUCCESS
    import_log.save()
    return import_log


def import_log_close(
    *, import_log: ImportLog, counters: ImportCounters, stats: dict[str, Any]
) -> ImportLog:
    """Finish a run from an import's counters (its rejection reasons included)."""
    return import_log_finish(
        import_log=import_log,
        rows_read=counters.read,
        rows_created=counters.created,
        rows_updated=counters.updated,
        rows_unchanged=counters.unchanged,
        rows_rejected=counters.rejected,
        errors=[{"reason": r, "count": n} for r, n in sorted(counters.reasons.items())],
        stats=stats,
    )


def import_log_fail(*, import_log: ImportLog, error: str) -> ImportLog:
    """The run stopped, in one line; its counters and checkpoints stay as committed."""
    import_log.status = ImportLog.Status.FAILED
    import_log.error = error[:500]
    import_log.finished_at = timezone.now()
    import_log.save(update_fields=["status", "error", "finished_at", "updated_at"])
    return import_log


def import_log_resume(*, import_log: ImportLog) -> ImportLog:
    """A failed or interrupted run taken up again from its checkpoint."""
    import_log.status = ImportLog.Status.RUNNING
    import_log.error = ""
    import_log.finished_at = None
    import_log.started_at = import_log.started_at or timezone.now()
    import_log.save(update_fields=["status", "error", "finished_at", "started_at", "updated_at"])
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


UPLOAD_TYPES = (ImportLog.Type.CSV, ImportLog.Type.XLSX)
LIVE = (ImportLog.Status.PENDING, ImportLog.Status.RUNNING)


def upload_heartbeat_write(*, import_log_id: int) -> int:
    """The upload is alive now (a worker holds it). Returns 0 once it has ended."""
    return ImportLog.objects.filter(pk=import_log_id, status__in=LIVE).update(
        heartbeat_at=timezone.now()
    )


def uploads_claim_stale(
    *, running_seconds: float, pending_seconds: float, max_requeues: int
) -> list[int]:
    """Uploads that nothing works on any more: running with no heartbeat for `running_seconds`
    (their worker died), or pending untouched for `pending_seconds` (their message was lost:
    a broker emptied, a web process killed between its commit and its publish), or live
    from before heartbeats existed. Their heartbeat is set to now, so that the next sweep
    leaves them that long to start; returns their ids, to queue again. One claimed more than
    `max_requeues` times fails instead."""
    now = timezone.now()
    running = now - timedelta(seconds=running_seconds)
    pending = now - timedelta(seconds=pending_seconds)
    stale = ImportLog.objects.filter(type__in=UPLOAD_TYPES).filter(
        Q(status=ImportLog.Status.RUNNING, heartbeat_at__lt=running)
        | Q(status=ImportLog.Status.PENDING, heartbeat_at__lt=pending)
        | Q(status__in=LIVE, heartbeat_at__isnull=True)
    )
    with transaction.atomic():
        # a sweep running at the same moment skips the rows this one holds
        ids = list(stale.select_for_update(skip_locked=True).values_list("pk", flat=True))
        claimed = ImportLog.objects.filter(pk__in=ids)
        # a file that stopped its worker every time is not queued for ever
        claimed.filter(requeued__gte=max_requeues).update(
            status=ImportLog.Status.FAILED,
            finished_at=now,
            error=f"Le traitement s'est arrêté {max_requeues + 1} fois sans finir (worker "
            "arrêté ou à court de mémoire) ; import abandonné.",
        )
        ids = list(claimed.filter(requeued__lt=max_requeues).values_list("pk", flat=True))
        ImportLog.objects.filter(pk__in=ids).update(heartbeat_at=now, requeued=F("requeued") + 1)
    return sorted(ids)


def upload_discard(log: ImportLog) -> None:
    """An upload refused after it was stored (its worker could not be told): the file and the
    ImportLog go, as if the request had never come."""
    if log.file:
        log.file.delete(save=False)
    log.delete()


def upload_folder() -> Path:
    """Where a worker keeps an upload's work files: its normalized CSV and its rejected rows
    while they are being written."""
    return ensure_dir(var_dir() / "imports" / "uploads")


def import_log_keep_rejects(*, import_log: ImportLog, path: Path | None) -> ImportLog:
    """The rejected rows a run wrote at `path` become its `rejects_file` (None: it has none)."""
    if import_log.rejects_file:
        import_log.rejects_file.delete(save=False)  # a dry run done again
    if path is not None:
        with open(path, "rb") as handle:
            import_log.rejects_file.save(f"{import_log.pk}.rejected.csv", File(handle), save=False)
        path.unlink()
    import_log.save(update_fields=["rejects_file", "updated_at"])
    return import_log


def import_log_files_delete(log: ImportLog) -> None:
    """The uploaded file, its rejected rows and the worker's work files; the ImportLog keeps
    its counters."""
    if log.file:
        log.file.delete(save=False)
    if log.rejects_file:
        log.rejects_file.delete(save=False)
    for path in (upload_folder() / f"{log.pk}.csv", upload_folder() / f"{log.pk}.rejected.csv"):
        path.unlink(missing_ok=True)
    log.stats = {**log.stats, "file_deleted": True}
    log.save(update_fields=["file", "rejects_file", "stats", "updated_at"])


def imports_clean_up(*, log_days: int, file_days: int) -> dict[str, int]:
    """ImportLogs older than `log_days` go (their checkpoints with them); uploaded files older
    than `file_days` go, and their ImportLog stays, with its counters. A run still going is
    kept whatever its age."""
    now = timezone.now()
    finished = ImportLog.objects.exclude(
        status__in=[ImportLog.Status.RUNNING, ImportLog.Status.PENDING]
    )
    old_logs = finished.filter(created_at__lt=now - timedelta(days=log_days))
    files = 0
    for log in finished.filter(created_at__lt=now - timedelta(days=file_days)).exclude(file=""):
        import_log_files_delete(log)
        files += 1
    for log in old_logs.exclude(rejects_file=""):
        import_log_files_delete(log)
    _, deleted = old_logs.delete()
    return {"import_logs": deleted.get("imports.ImportLog", 0), "files": files}


# -- real-time events (after commit; the staff's dashboard, and the one who uploaded) ---------
def import_event_data(log: ImportLog) -> dict[str, Any]:
    return {
        "import_log": log.pk,
        "type": log.type,
        "status": log.status,
        "rows_total": log.rows_total,
        "rows_read": log.rows_read,
        "rows_created": log.rows_created,
        "rows_updated": log.rows_updated,
        "rows_rejected": log.rows_rejected,
        "error": log.error,
    }


def import_announce(*, import_log: ImportLog, event: str) -> None:
    """`import.started` (or another import event) to the staff and the uploader, once the
    current transaction commits."""
    emit(
        type=event,
        data=import_event_data(import_log),
        admins=True,
        user_id=import_log.created_by_id,
    )


def import_announce_progress(*, import_log: ImportLog, rows_read: int) -> None:
    """`import.progress`, one a second at most per import (across processes)."""
    if not progress_due(key=f"import:{import_log.pk}", every_ms=1000):
        return
    data = {**import_event_data(import_log), "rows_read": rows_read}
    emit(type="import.progress", data=data, admins=True, user_id=import_log.created_by_id)
