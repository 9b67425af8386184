"""The daily sync with INSEE's API Sirene: the établissements INSEE changed in a date window,
written through the bulk import's own chunk write path.

A run is one ImportLog, its window cut into slices that separate workers page through, each
with its own ImportCheckpoint; a page commits with its slice's next cursor, so a killed run
resumes from its last committed cursor, losing and doubling no row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import structlog
from django.db import transaction
from django.utils import timezone

from foxreviews.core import metrics
from foxreviews.core.exceptions import ApplicationError
from foxreviews.imports.counters import ImportCounters
from foxreviews.imports.errors import one_line
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.services import (
    import_announce,
    import_log_close,
    import_log_fail,
    import_log_resume,
    import_log_start,
)
from foxreviews.imports.sirene.chunks import (
    load_transaction_settings,
    prepare_chunk,
    write_prepared,
)
from foxreviews.imports.sirene.formats import detect_format
from foxreviews.imports.sirene.lock import hold_run_lock_for_transaction
from foxreviews.imports.sirene.source import Chunk
from foxreviews.imports.sirene.writer import ChunkTables
from foxreviews.stats.tasks import refresh_statistics_soon

from .client import InseeClient, Page
from .mapping import HEADER, stock_csv

logger = structlog.get_logger(__name__)

FORMAT = detect_format(HEADER)
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"  # INSEE's dates are Paris local time, without an offset
KEPT_REJECTS = 100  # rejected rows kept as examples in the ImportLog


def parse_moment(text: str) -> dt.datetime:
    """`2026-11-24` or `2026-11-24T06:00[:00]`, Paris time."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ApplicationError(
            f"{text!r} n'est pas une date : écrivez-la 2026-11-24 ou 2026-11-24T06:00:00."
        ) from None
    if value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)
    return value.replace(microsecond=0)


def run_window(run: ImportLog) -> tuple[dt.datetime, dt.datetime]:
    """A sync run's window in INSEE's terms: Paris time, without an offset."""
    return _paris(run.window_since), _paris(run.window_until)


def _aware(moment: dt.datetime) -> dt.datetime:
    return timezone.make_aware(moment)


def _paris(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value).replace(tzinfo=None)


def slice_queries(since: dt.datetime, until: dt.datetime, slices: int) -> list[str]:
    """INSEE queries for `slices` consecutive parts of the window; each bound belongs to one
    part only (`[a TO b}`), the window's end to the last."""
    span = (until - since) / slices
    bounds = [since + span * k for k in range(slices)] + [until]
    queries = []
    for k in range(slices):
        close = "]" if k == slices - 1 else "}"
        low, high = (bounds[k].strftime(DATE_FORMAT), bounds[k + 1].strftime(DATE_FORMAT))
        queries.append(f"dateDernierTraitementEtablissement:[{low} TO {high}{close}")
    return queries


# -- opening a run -----------------------------------------------------------------------------
def insee_sync_open(
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    slices: int = 1,
) -> ImportLog:
    """The run to work on: an unfinished one (same window, or any when none is given), else a
    new one. Its checkpoints exist when this returns."""
    if slices < 1:
        raise ApplicationError(f"Le nombre de tranches doit être d'au moins 1 (reçu {slices}).")
    unfinished = ImportLog.objects.filter(
        type=ImportLog.Type.SIRENE_API,
        status__in=[ImportLog.Status.RUNNING, ImportLog.Status.FAILED, ImportLog.Status.PENDING],
        resumable=True,
    ).order_by("-created_at")
    if since is None and until is None:
        run = unfinished.first()
        if run is not None:
            return import_log_resume(import_log=run)
    until = until or timezone.localtime().replace(tzinfo=None, microsecond=0)
    since = (
        since
        or _end_of_last_run()
        or (until - dt.timedelta(days=1)).replace(hour=0, minute=0, second=0)
    )
    if since >= until:
        raise ApplicationError(
            f"La fenêtre est vide : --since {since:%Y-%m-%dT%H:%M:%S} n'est pas avant "
            f"--until {until:%Y-%m-%dT%H:%M:%S}."
        )
    run = unfinished.filter(window_since=_aware(since), window_until=_aware(until)).first()
    if run is not None:
        return import_log_resume(import_log=run)
    with transaction.atomic():
        run = import_log_start(
            type=ImportLog.Type.SIRENE_API,
            source=f"API Sirene {since:{DATE_FORMAT}} → {until:{DATE_FORMAT}}",
        )
        run.window_since, run.window_until = _aware(since), _aware(until)
        run.resumable = True
        run.stats = {"slices": slices}
        run.save(update_fields=["window_since", "window_until", "resumable", "stats", "updated_at"])
        for number, query in enumerate(slice_queries(since, until, slices)):
            ImportCheckpoint.objects.create(
                file_key=f"insee:{run.pk}:{number}",
                source=query,
                import_log=run,
                cursor="*",
                counters=ImportCounters().to_json(),
            )
    return run


def _end_of_last_run() -> dt.datetime | None:
    last = (
        ImportLog.objects.filter(
            type=ImportLog.Type.SIRENE_API,
            status__in=[ImportLog.Status.SUCCESS, ImportLog.Status.PARTIAL],
        )
        .order_by("-finished_at")
        .first()
    )
    if last is None or last.window_until is None:
        return None
    return _paris(last.window_until)


def pending_slices(run: ImportLog) -> list[int]:
    return list(
        run.checkpoints.exclude(status=ImportCheckpoint.Status.DONE)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# -- paging through a slice --------------------------------------------------------------------
def insee_sync_slice(
    *,
    checkpoint_id: int,
    client: InseeClient,
    on_page: Callable[[ImportCheckpoint], None] | None = None,
) -> ImportCheckpoint:
    """Page through one slice from its stored cursor to INSEE's last page; the statistics are
    recounted after it when it changed rows."""
    checkpoint = ImportCheckpoint.objects.get(pk=checkpoint_id)
    written_before = _written(checkpoint)
    while checkpoint.status != ImportCheckpoint.Status.DONE:
        cursor = checkpoint.cursor
        page = client.siret_page(q=checkpoint.source, cursor=cursor)
        checkpoint = _write_page(checkpoint.pk, cursor, page)
        logger.info(
            "insee page written",
            import_log=checkpoint.import_log_id,
            slice=checkpoint.file_key,
            page=checkpoint.pages,
            records=len(page.etablissements),
            fetched=checkpoint.records_done,
            total=page.total,
        )
        if on_page is not None:
            on_page(checkpoint)
    if _written(checkpoint) > written_before:
        refresh_statistics_soon()
    return checkpoint


def _written(checkpoint: ImportCheckpoint) -> int:
    counters = ImportCounters.from_json(checkpoint.counters)
    return counters.created + counters.updated


def _write_page(checkpoint_id: int, cursor: str, page: Page) -> ImportCheckpoint:
    """The page's rows and the slice's new cursor, in one transaction."""
    written = 0
    with transaction.atomic():
        load_transaction_settings()
        hold_run_lock_for_transaction()
        checkpoint = ImportCheckpoint.objects.select_for_update().get(pk=checkpoint_id)
        if checkpoint.cursor != cursor or checkpoint.status == ImportCheckpoint.Status.DONE:
            return checkpoint  # another runner of this slice went past this page already
        counters = ImportCounters.from_json(checkpoint.counters)
        if page.etablissements:
            data, records = stock_csv(page.etablissements)
            chunk = Chunk(
                data=data,
                first_record=checkpoint.records_done + 1,
                records=records,
                end_offset=0,
            )
            token = f"api{checkpoint.import_log_id}x{checkpoint.pk}"
            prepared = prepare_chunk(
                ChunkTables(token, checkpoint.pages), chunk, header=HEADER, fmt=FORMAT
            )
            counts, rejected = write_prepared(prepared, dry_run=False, only_active=False)
            counters.add_chunk(
                counts=counts, records=records, reasons=(row.reason for row in rejected)
            )
            room = max(KEPT_REJECTS - len(checkpoint.rejected_examples), 0)
            checkpoint.rejected_examples += [row.as_json() for row in rejected[:room]]
            checkpoint.records_done += records
            written = records
        checkpoint.pages += 1
        checkpoint.total = page.total
        checkpoint.cursor = page.next_cursor
        if page.last or checkpoint.records_done >= page.total:
            checkpoint.status = ImportCheckpoint.Status.DONE
        checkpoint.counters = counters.to_json()
        checkpoint.save()
    metrics.count_imported_rows(kind=ImportLog.Type.SIRENE_API, rows=written)  # committed
    return checkpoint


# -- closing a run -----------------------------------------------------------------------------
def insee_sync_finish(*, import_log_id: int) -> ImportLog | None:
    """Once every slice is done: the run's counters, from its slices. None while some run."""
    with transaction.atomic():
        run = ImportLog.objects.select_for_update().get(pk=import_log_id)
        if run.status in (ImportLog.Status.SUCCESS, ImportLog.Status.PARTIAL):
            return run  # another slice's worker closed it
        checkpoints = list(run.checkpoints.order_by("pk"))
        if any(c.status != ImportCheckpoint.Status.DONE for c in checkpoints):
            return None
        counters = ImportCounters()
        examples = []
        for checkpoint in checkpoints:
            counters += ImportCounters.from_json(checkpoint.counters)
            examples += checkpoint.rejected_examples
        started = run.started_at or run.created_at
        finished = import_log_close(
            import_log=run,
            counters=counters,
            stats={
                **run.stats,
                "counters": counters.as_dict(),
                "pages": sum(c.pages for c in checkpoints),
                "rejected_examples": examples[:KEPT_REJECTS],
                "elapsed_seconds": round((timezone.now() - started).total_seconds(), 2),
            },
        )
        import_announce(import_log=finished, event="insee.sync.finished")  # after commit
        return finished


def insee_sync_failed(*, import_log_id: int, error: str) -> None:
    """The run stops here; its checkpoints stay, and the next run resumes it."""
    import_log_fail(import_log=ImportLog.objects.get(pk=import_log_id), error=error)


def insee_sync(
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    slices: int = 1,
    client: InseeClient | None = None,
    on_page: Callable[[ImportCheckpoint], None] | None = None,
) -> ImportLog:
    """A whole run in this process, slice after slice (the command line's way)."""
    run = insee_sync_open(since=since, until=until, slices=slices)
    own_client = client is None
    client = client or InseeClient.from_settings()
    try:
        for checkpoint_id in pending_slices(run):
            insee_sync_slice(checkpoint_id=checkpoint_id, client=client, on_page=on_page)
    except BaseException as exc:
        insee_sync_failed(import_log_id=run.pk, error=one_line(exc))
        raise
    finally:
        if own_client:
            client.close()
    finished = insee_sync_finish(import_log_id=run.pk)
    assert finished is not None  # every slice ran to its end above
    return finished
