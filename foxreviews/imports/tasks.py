"""Celery entry points of the imports: the INSEE sync (queue `insee`), uploads (`imports`), the
weekly clean-up and the sweep of lost uploads (`maintenance`). Each takes ids, calls a service,
and is safe to run twice: a redelivered task resumes from the checkpoint its first run
committed, or finds its upload ended and does nothing."""

from __future__ import annotations

import random

import structlog
from celery import shared_task
from django.conf import settings
from django.db import transaction

from foxreviews.core.tasks import maintenance_task
from foxreviews.realtime.services import publish

from .errors import one_line
from .heartbeat import upload_heartbeat
from .insee.client import InseeAuthError, InseeClient, InseeError
from .insee.sync import (
    insee_sync_failed,
    insee_sync_finish,
    insee_sync_open,
    insee_sync_slice,
    parse_moment,
    pending_slices,
)
from .models import ImportCheckpoint, ImportLog
from .services import LIVE, import_announce, import_event_data, uploads_claim_stale
from .services import imports_clean_up as clean_up_service
from .sirene.lock import ImportBusy
from .upload_worker import upload_process as upload_process_service

logger = structlog.get_logger(__name__)
RETRY_SECONDS = 300


@shared_task(name="foxreviews.imports.tasks.insee_sync_start", time_limit=300, soft_time_limit=280)
def insee_sync_start(since: str | None = None, until: str | None = None) -> int | None:
    """Open (or take up) a sync run and hand its slices to the `insee` workers."""
    if not settings.INSEE_API_KEY:
        logger.warning("insee sync skipped: INSEE_API_KEY is not set")
        return None
    run = insee_sync_open(
        since=parse_moment(since) if since else None,
        until=parse_moment(until) if until else None,
        slices=settings.INSEE_SYNC_SLICES,
    )
    for checkpoint_id in pending_slices(run):
        transaction.on_commit(lambda c=checkpoint_id: insee_sync_page_through.delay(c))
    return run.pk


@shared_task(
    bind=True,
    name="foxreviews.imports.tasks.insee_sync_page_through",
    acks_late=True,
    reject_on_worker_lost=True,  # a killed worker's slice runs again, from its last cursor
    max_retries=12,
    time_limit=3600,
    soft_time_limit=3540,
)
def insee_sync_page_through(self, checkpoint_id: int) -> str:
    checkpoint = ImportCheckpoint.objects.get(pk=checkpoint_id)
    try:
        with InseeClient.from_settings() as client:
            insee_sync_slice(checkpoint_id=checkpoint_id, client=client)
    except InseeAuthError as exc:
        insee_sync_failed(import_log_id=checkpoint.import_log_id, error=exc.message)
        raise
    except (InseeError, ImportBusy) as exc:
        if self.request.retries >= self.max_retries:
            insee_sync_failed(import_log_id=checkpoint.import_log_id, error=exc.message)
            raise
        raise self.retry(exc=exc, countdown=RETRY_SECONDS) from None
    run = insee_sync_finish(import_log_id=checkpoint.import_log_id)
    if run is not None:
        _announce(run)
    return "done"


def busy_countdown(retries: int) -> float:
    """Seconds before an upload that found the import lock taken tries again: 5, 10, 20, 40,
    then every minute, with jitter so that queued uploads do not all ask at once."""
    return min(60, 5 * 2**retries) + random.uniform(0, 5)


@shared_task(
    bind=True,
    name="foxreviews.imports.tasks.upload_process",
    acks_late=True,
    reject_on_worker_lost=True,  # resumed from its checkpoint: no row twice
    max_retries=60,
    time_limit=1800,
    soft_time_limit=1740,
    ignore_result=True,  # its ImportLog is its result (and a publish needs the broker only)
)
def upload_process(self, import_log_id: int) -> str:
    status = ImportLog.objects.filter(pk=import_log_id).values_list("status", flat=True).first()
    if status not in LIVE:
        # ended already (a message the broker handed out again after a re-queue by the sweep),
        # or gone (refused with a 503 after all, or cleaned up): nothing to do, nobody to tell
        return status or "gone"
    if status == ImportLog.Status.PENDING:  # its first run (not a retry or a resumption)
        import_announce(import_log=ImportLog.objects.get(pk=import_log_id), event="import.started")
    try:
        with upload_heartbeat(import_log_id=import_log_id, every=settings.UPLOAD_HEARTBEAT_SECONDS):
            log = upload_process_service(import_log_id=import_log_id)
    except ImportBusy as exc:  # another import holds the lock: wait for it, then retry
        raise self.retry(exc=exc, countdown=busy_countdown(self.request.retries)) from None
    _announce(log)
    return log.status


@maintenance_task("foxreviews.imports.tasks.imports_requeue_stale_uploads", time_limit=60)
def imports_requeue_stale_uploads() -> list[int]:
    """Every minute: the uploads whose worker died (no heartbeat) or whose message was lost go
    back to the queue; each resumes from its checkpoint, and the import lock keeps a worker
    that was only slow from running beside its replacement."""
    ids = uploads_claim_stale(
        running_seconds=settings.UPLOAD_STALE_SECONDS,
        pending_seconds=settings.UPLOAD_PENDING_STALE_SECONDS,
        max_requeues=settings.UPLOAD_MAX_REQUEUES,
    )
    for import_log_id in ids:
        logger.warning(
            "upload queued again: its worker or its message was lost", import_log=import_log_id
        )
        transaction.on_commit(lambda i=import_log_id: upload_process.delay(i))
    return ids


@maintenance_task("foxreviews.imports.tasks.imports_clean_up", time_limit=1800)
def imports_clean_up() -> dict[str, int]:
    return clean_up_service(
        log_days=settings.IMPORT_LOG_KEEP_DAYS, file_days=settings.UPLOAD_KEEP_DAYS
    )


def _announce(log: ImportLog) -> None:
    """Tell the one who uploaded, and the admins' dashboard, that an import has ended:
    `import.finished` or `import.failed` (/ws/notifications/ keeps its first payload)."""
    payload = {
        "event": "import.finished",
        "import_log": log.pk,
        "type": log.type,
        "status": log.status,
        "rows_read": log.rows_read,
        "rows_created": log.rows_created,
        "rows_updated": log.rows_updated,
        "rows_rejected": log.rows_rejected,
        "error": log.error,
    }
    event = "import.failed" if log.status == ImportLog.Status.FAILED else "import.finished"
    try:
        publish(
            type=event, data=import_event_data(log), user_id=log.created_by_id, admins=True,
            legacy_payload=payload,
        )  # fmt: skip
    except Exception as exc:  # a notification lost must not fail the import it reports
        logger.warning("import notification not sent", error=one_line(exc))
