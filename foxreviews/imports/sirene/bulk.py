"""The bulk import of a SIRENE stock file (or the simple CSV): chunk after chunk, each committed
with its checkpoint, so that a killed run resumes after its last committed chunk; into empty
tables, secondary indexes are dropped first and built once at the end.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.db import DatabaseError, transaction
from django.utils import timezone

from foxreviews.core import metrics
from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.paths import var_dir
from foxreviews.imports.counters import ImportCounters
from foxreviews.imports.errors import one_line
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.services import (
    import_announce_progress,
    import_log_close,
    import_log_finish,
    import_log_resume,
    import_log_start,
    import_logs_interrupted,
)
from foxreviews.search.services import search_words_refresh
from foxreviews.stats.tasks import refresh_statistics_soon

from . import indexes, writer
from .chunks import load_transaction_settings, write_prepared
from .formats import Format, describe_ignored, detect_format
from .lock import one_import_at_a_time
from .pipeline import Preparer
from .progress import Progress
from .rejects import RejectsFile, check_rejects_path, rejects_file
from .source import Chunk, SourceFile


@dataclass
class BulkImportOptions:
    batch_size: int = 200_000
    max_rows: int | None = None
    skip_rows: int = 0
    dry_run: bool = False
    only_active: bool = False
    unites_legales: Path | None = None
    rejects_path: Path | None = None
    progress: bool = True
    # an upload's run: its ImportLog exists already (the API answered with its id), and its
    # checkpoint is keyed by it rather than by the file's content
    import_log: ImportLog | None = None

    def validate(self) -> None:
        if self.batch_size < 1:
            raise ApplicationError(
                f"La taille des lots doit être d'au moins 1 (reçu {self.batch_size})."
            )
        if self.max_rows is not None and self.max_rows < 1:
            raise ApplicationError(f"--max-rows doit valoir au moins 1 (reçu {self.max_rows}).")
        if self.skip_rows < 0:
            raise ApplicationError(f"--skip-rows ne peut pas être négatif (reçu {self.skip_rows}).")
        check_rejects_path(self.rejects_path)


@dataclass
class BulkImportResult:
    counters: ImportCounters  # all runs of this file together (a resumed run included)
    elapsed: float  # this run
    rejects_path: Path | None
    import_log_id: int | None
    resumed_from: int = 0
    index_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    run_read: int = 0  # records this run read
    total_elapsed: float = 0.0  # every run of this file, up to its last committed chunk

    @property
    def rows_per_second(self) -> float:
        """This run's rate: its own records over its own time."""
        return self.run_read / self.elapsed if self.elapsed else 0.0


def sirene_bulk_import(*, path: Path, options: BulkImportOptions) -> BulkImportResult:
    options.validate()
    started = time.monotonic()
    with SourceFile(path) as source, one_import_at_a_time():
        fmt = detect_format(source.header, with_unites_legales=bool(options.unites_legales))
        checkpoint = None if options.dry_run else _checkpoint_for(source, options)
        if checkpoint is not None and options.import_log is None:
            # we hold the import lock: any other run still marked running was killed
            import_logs_interrupted(
                type=ImportLog.Type.SIRENE_STOCK, keep_id=checkpoint.import_log_id
            )
        try:
            return _run(source, fmt, checkpoint, options, started)
        except BaseException as exc:
            if checkpoint is not None:
                _mark_failed(checkpoint, exc)
            raise


def _run(
    source: SourceFile,
    fmt: Format,
    checkpoint: ImportCheckpoint | None,
    options: BulkImportOptions,
    started: float,
) -> BulkImportResult:
    counters = ImportCounters()
    resumed_from, elapsed_before = 0, 0.0
    if checkpoint and checkpoint.records_done:
        resumed_from = checkpoint.records_done
        counters = ImportCounters.from_json(checkpoint.counters)
        elapsed_before = checkpoint.elapsed_seconds
        source.seek_offset(checkpoint.byte_offset)
    elif options.skip_rows:
        source.skip_records(options.skip_rows)
    read_before = counters.read
    first_record = (resumed_from or options.skip_rows) + 1
    rejects_path = (
        options.rejects_path if options.dry_run else _rejects_path(source.path, options, checkpoint)
    )
    limit = None if options.max_rows is None else max(options.max_rows - resumed_from, 0)

    dropped = _drop_indexes_for_first_load(checkpoint)
    progress = Progress(total_bytes=source.size) if options.progress else None
    preparer = Preparer(
        source.chunks(records=options.batch_size, first_record=first_record, limit=limit),
        header=source.header,
        fmt=fmt,
        unites_legales=options.unites_legales,
    )
    kind = options.import_log.type if options.import_log else ImportLog.Type.SIRENE_STOCK
    try:
        with preparer, rejects_file(rejects_path, checkpoint) as rejects:
            while (prepared := preparer.next_prepared()) is not None:
                chunk = prepared.chunk
                # the chunk, its rejected rows and its checkpoint commit together
                with transaction.atomic():
                    load_transaction_settings()
                    counts, rejected = write_prepared(
                        prepared,
                        dry_run=options.dry_run,
                        only_active=options.only_active,
                        # a first load recounts the word list once, at its end
                        add_words=not dropped.get("indexes"),
                    )
                    counters.add_chunk(
                        counts=counts, records=chunk.records, reasons=(r.reason for r in rejected)
                    )
                    if rejects is not None:
                        rejects.write(rejected)
                    if checkpoint is not None:
                        elapsed = elapsed_before + time.monotonic() - started
                        _save_checkpoint(checkpoint, chunk, counters, rejects, elapsed)
                    if options.dry_run:
                        transaction.set_rollback(True)
                if options.dry_run:
                    writer.drop_chunk_tables(prepared.tables)
                else:  # committed: /metrics' rows per second (rate() of this counter)
                    metrics.count_imported_rows(kind=kind, rows=chunk.records)
                if checkpoint is not None:  # the chunk committed: the dashboard's progress bar
                    import_announce_progress(
                        import_log=checkpoint.import_log, rows_read=counters.read
                    )
                if progress:
                    progress.update(records=counters.read, offset=chunk.end_offset)
    except Exception:
        # an error (not a kill): put the indexes back so the directory stays fast; a rerun
        # resumes from the checkpoint and the rest loads the incremental way
        if dropped and not options.dry_run:
            with contextlib.suppress(DatabaseError):  # if the database is gone: the rerun
                _restore(dropped)
        raise
    if progress:
        progress.update(records=counters.read, offset=source.offset, force=True)
        progress.done()

    index_started = time.monotonic()
    if dropped:
        _restore(dropped)
    if dropped.get("indexes") and not options.dry_run:
        # a first load: the search's word list (typo tolerance) counted once from every name;
        # an incremental import added each chunk's new words with the chunk
        search_words_refresh()
    index_seconds = time.monotonic() - index_started
    elapsed = time.monotonic() - started
    result = BulkImportResult(
        counters=counters,
        elapsed=elapsed,
        rejects_path=rejects_path if counters.rejected else None,
        import_log_id=checkpoint.import_log_id if checkpoint else None,
        resumed_from=resumed_from,
        index_seconds=index_seconds,
        notes=[describe_ignored(fmt.ignored)] if fmt.ignored else [],
        run_read=counters.read - read_before,
        total_elapsed=elapsed_before + elapsed,
    )
    if checkpoint is not None:
        _finish(checkpoint, result)
    if not options.dry_run and (counters.created or counters.updated):
        refresh_statistics_soon()
    return result


def _restore(dropped: dict[str, list]) -> None:
    indexes.rebuild(dropped["indexes"])
    indexes.restore_foreign_keys(dropped["foreign_keys"])


def _mark_failed(checkpoint: ImportCheckpoint, exc: BaseException) -> None:
    """The ImportLog says failed, with the reason; the checkpoint stays, for a rerun."""
    try:
        checkpoint.refresh_from_db()  # the committed counters, not a rolled-back chunk's
        saved = ImportCounters.from_json(checkpoint.counters)
        import_log_finish(
            import_log=checkpoint.import_log,
            rows_read=saved.read,
            rows_created=saved.created,
            rows_updated=saved.updated,
            rows_rejected=saved.rejected,
            stats={"counters": saved.as_dict()},
            failed=True,
            resumable=True,
            error=one_line(exc),
        )
    except DatabaseError:
        pass  # the database itself is gone: the next run marks this one interrupted


# -- indexes, checkpoints ----------------------------------------------------------------------
def _drop_indexes_for_first_load(checkpoint: ImportCheckpoint | None) -> dict[str, list]:
    """Into empty tables: drop secondary indexes and foreign keys, remembered in the
    checkpoint so that a resumed run rebuilds exactly those."""
    if checkpoint is None:
        return {}
    if checkpoint.dropped is not None:
        return checkpoint.dropped
    dropped: dict[str, list] = {"indexes": [], "foreign_keys": []}
    with transaction.atomic():
        if indexes.tables_are_empty():
            dropped = {
                "indexes": indexes.secondary_indexes(),
                "foreign_keys": indexes.foreign_keys(),
            }
            indexes.drop(dropped["indexes"])
            indexes.drop_foreign_keys(dropped["foreign_keys"])
        checkpoint.dropped = dropped
        checkpoint.save(update_fields=["dropped", "updated_at"])
    return dropped


def _checkpoint_for(source: SourceFile, options: BulkImportOptions) -> ImportCheckpoint:
    given = options.import_log
    key = f"importlog:{given.pk}" if given is not None else source.key()
    checkpoint = ImportCheckpoint.objects.filter(file_key=key).select_related("import_log").first()
    if (
        checkpoint
        and checkpoint.status == ImportCheckpoint.Status.RUNNING
        and not options.skip_rows
    ):
        import_log_resume(import_log=checkpoint.import_log)
        return checkpoint
    if given is not None:
        log = import_log_resume(import_log=given)
    else:
        log = import_log_start(type=ImportLog.Type.SIRENE_STOCK, source=str(source.path))
    if checkpoint is not None:
        checkpoint.delete()
    return ImportCheckpoint.objects.create(file_key=key, source=str(source.path), import_log=log)


def _save_checkpoint(
    checkpoint: ImportCheckpoint,
    chunk: Chunk,
    counters: ImportCounters,
    rejects: RejectsFile | None,
    elapsed: float,
) -> None:
    checkpoint.byte_offset = chunk.end_offset
    checkpoint.records_done = chunk.first_record + chunk.records - 1
    checkpoint.rejects_size = rejects.size if rejects is not None else 0
    checkpoint.counters = counters.to_json()
    checkpoint.elapsed_seconds = round(elapsed, 3)
    checkpoint.save(
        update_fields=[
            "byte_offset", "records_done", "rejects_size", "counters", "elapsed_seconds",
            "updated_at",
        ]
    )  # fmt: skip


def _finish(checkpoint: ImportCheckpoint, result: BulkImportResult) -> None:
    checkpoint.status = ImportCheckpoint.Status.DONE
    checkpoint.save(update_fields=["status", "updated_at"])
    import_log_close(
        import_log=checkpoint.import_log,
        counters=result.counters,
        stats={
            **result.counters.as_dict(),
            "elapsed_seconds": round(result.total_elapsed, 2),
            "index_seconds": round(result.index_seconds, 2),
            "last_run": {
                "resumed_after_record": result.resumed_from,
                "read": result.run_read,
                "elapsed_seconds": round(result.elapsed, 2),
                "rows_per_second": round(result.rows_per_second),
            },
            "notes": result.notes,
            "finished": timezone.now().isoformat(),
        },
    )


def _rejects_path(path: Path, options: BulkImportOptions, checkpoint) -> Path:
    if options.rejects_path:
        return Path(options.rejects_path)
    folder = var_dir() / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f"{checkpoint.import_log_id}" if checkpoint else "dry-run"
    return folder / f"{Path(path).name}.{suffix}.rejected.csv"
