"""Bulk import of SIRENE stock files (and the simple CSV) into entreprises and pro-localisations.

The file is streamed in chunks of records; each chunk goes to PostgreSQL by COPY as raw bytes
(PostgreSQL parses the CSV), is validated, upserted on SIRET and turned into pro-localisations
by set-based SQL, and is committed together with a checkpoint. A killed run resumes after the
last committed chunk. Into empty tables, secondary indexes are built once at the end.
"""

from __future__ import annotations

import csv
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from foxreviews.core.exceptions import ApplicationError
from foxreviews.enterprise.validators import siret_error
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.services import import_log_finish, import_log_start
from foxreviews.runtime.paths import var_dir

from . import indexes, writer
from .formats import describe_ignored, detect_format
from .pipeline import Prepared, Preparer, session_settings
from .progress import Progress
from .source import Chunk, SourceFile

COUNTERS = (
    "read", "created", "updated", "unchanged", "rejected", "skipped_closed",
    "duplicates_in_file", "prolocalisations_created", "prolocalisations_activated",
    "prolocalisations_deactivated", "sans_commune", "commune_inconnue", "naf_non_mappe",
)  # fmt: skip


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


@dataclass
class BulkImportResult:
    counters: dict[str, int]
    reasons: dict[str, int]
    elapsed: float
    rejects_path: Path | None
    import_log_id: int | None
    resumed_from: int = 0
    index_seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def rows_per_second(self) -> float:
        return self.counters["read"] / self.elapsed if self.elapsed else 0.0


IMPORT_LOCK = "foxreviews.sirene_bulk_import"


def sirene_bulk_import(*, path: Path, options: BulkImportOptions) -> BulkImportResult:
    started = time.monotonic()
    with SourceFile(path) as source, _one_import_at_a_time():
        fmt = detect_format(source.header, with_unites_legales=bool(options.unites_legales))
        notes = [describe_ignored(fmt.ignored)] if fmt.ignored else []
        checkpoint = None if options.dry_run else _checkpoint_for(source, options)
        counters = Counter({k: 0 for k in COUNTERS})
        reasons: Counter[str] = Counter()
        resumed_from = 0
        if checkpoint and checkpoint.records_done:
            resumed_from = checkpoint.records_done
            counters.update(checkpoint.counters.get("counters", {}))
            reasons.update(checkpoint.counters.get("reasons", {}))
            source.seek_offset(checkpoint.byte_offset)
        elif options.skip_rows:
            source.skip_records(options.skip_rows)
        first_record = (resumed_from or options.skip_rows) + 1
        rejects_path = None if options.dry_run else _rejects_path(path, options, checkpoint)
        limit = None if options.max_rows is None else max(options.max_rows - resumed_from, 0)

        session_settings()
        dropped = _drop_indexes_for_first_load(checkpoint)
        progress = Progress(total_bytes=source.size) if options.progress else None
        preparer = Preparer(
            source.chunks(records=options.batch_size, first_record=first_record, limit=limit),
            header=source.header,
            fmt=fmt,
            unites_legales=options.unites_legales,
        )
        preparer.start()
        try:
            with _rejects_file(rejects_path, checkpoint) as rejects:
                while (prepared := _next(preparer)) is not None:
                    chunk = prepared.chunk
                    # the chunk, its rejected rows and its checkpoint commit together
                    with transaction.atomic():
                        chunk_counts, chunk_rejects = _write_chunk(prepared, options)
                        for name in COUNTERS:
                            counters[name] += chunk_counts.get(name, 0)
                        counters["read"] += chunk.records
                        reasons.update(reason for _, _, reason, _ in chunk_rejects)
                        if rejects is not None:
                            rejects.write(chunk_rejects)
                        if checkpoint is not None:
                            _save_checkpoint(checkpoint, chunk, counters, reasons, rejects)
                        if options.dry_run:
                            transaction.set_rollback(True)
                    if options.dry_run:
                        writer.drop_chunk_tables(prepared.tables)
                    if progress:
                        progress.update(records=counters["read"], offset=chunk.end_offset)
        except Exception:
            preparer.stop()
            # an error (not a kill): put the indexes back so the directory stays fast; a rerun
            # resumes from the checkpoint and the rest loads the incremental way
            if dropped and not options.dry_run:
                _restore(dropped)
            raise
        finally:
            preparer.stop()
        if progress:
            progress.update(records=counters["read"], offset=source.offset, force=True)
            progress.done()

    index_started = time.monotonic()
    if dropped:
        _restore(dropped)
    index_seconds = time.monotonic() - index_started
    counters["unchanged"] = (
        counters["read"] - counters["created"] - counters["updated"] - counters["rejected"]
        - counters["skipped_closed"] - counters["duplicates_in_file"]
    )  # fmt: skip
    elapsed = time.monotonic() - started
    log_id = None
    if checkpoint is not None:
        log_id = _finish(checkpoint, counters, reasons, elapsed, index_seconds)
    return BulkImportResult(
        counters=dict(counters),
        reasons=dict(reasons),
        elapsed=elapsed,
        rejects_path=rejects_path if counters["rejected"] else None,
        import_log_id=log_id,
        resumed_from=resumed_from,
        index_seconds=index_seconds,
        notes=notes,
    )


def _next(preparer: Preparer) -> Prepared | None:
    item = preparer.ready.get()
    if isinstance(item, BaseException):
        raise item
    return item


def _write_chunk(prepared: Prepared, options: BulkImportOptions):
    """Upsert one prepared chunk, inside the caller's transaction; drops its tables."""
    tables = prepared.tables
    counts = (writer.dry_run if options.dry_run else writer.write)(
        tables, only_active=options.only_active
    )
    rejected = [
        (rec, siret, reason, _detail(reason, siret))
        for rec, siret, reason in writer.rejected_rows(tables)
    ]
    counts["rejected"] += len(prepared.malformed)
    if not options.dry_run:
        writer.drop_chunk_tables(tables)
    return counts, sorted(prepared.malformed + rejected)


def _detail(reason: str, siret: str) -> str:
    if reason == "siret_invalide":
        return siret_error(siret) or ""
    return ""


class _one_import_at_a_time:  # a context manager used like a function
    """A session advisory lock: two bulk imports would fight over indexes and work tables."""

    def __enter__(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", [IMPORT_LOCK])
            if not cursor.fetchone()[0]:
                raise ApplicationError("Another bulk import is running; try again when it ends.")

    def __exit__(self, *exc) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [IMPORT_LOCK])


def _restore(dropped: dict[str, list]) -> None:
    indexes.rebuild(dropped["indexes"])
    indexes.restore_foreign_keys(dropped["foreign_keys"])


# -- session, indexes, checkpoints -------------------------------------------------------------
def _drop_indexes_for_first_load(checkpoint: ImportCheckpoint | None) -> dict[str, list]:
    """Into empty tables: drop secondary indexes and foreign keys, remembered in the
    checkpoint so that a resumed run rebuilds exactly those."""
    if checkpoint is None:
        return {}
    if "dropped" in checkpoint.state:
        return checkpoint.state["dropped"]
    dropped: dict[str, list] = {"indexes": [], "foreign_keys": []}
    with transaction.atomic():
        if indexes.tables_are_empty():
            dropped = {
                "indexes": indexes.secondary_indexes(),
                "foreign_keys": indexes.foreign_keys(),
            }
            indexes.drop(dropped["indexes"])
            indexes.drop_foreign_keys(dropped["foreign_keys"])
        checkpoint.state = {**checkpoint.state, "dropped": dropped}
        checkpoint.save(update_fields=["state", "updated_at"])
    return dropped


def _checkpoint_for(source: SourceFile, options: BulkImportOptions) -> ImportCheckpoint:
    key = source.key()
    checkpoint = ImportCheckpoint.objects.filter(file_key=key).first()
    if (
        checkpoint
        and checkpoint.status == ImportCheckpoint.Status.RUNNING
        and not options.skip_rows
    ):
        return checkpoint
    log = import_log_start(type=ImportLog.Type.SIRENE_STOCK, source=str(source.path))
    if checkpoint is not None:
        checkpoint.delete()
    return ImportCheckpoint.objects.create(
        file_key=key, source=str(source.path), import_log=log, state={}
    )


def _save_checkpoint(checkpoint, chunk: Chunk, counters, reasons, rejects) -> None:
    checkpoint.byte_offset = chunk.end_offset
    checkpoint.records_done = chunk.first_record + chunk.records - 1
    checkpoint.rejects_size = rejects.size if rejects is not None else 0
    checkpoint.counters = {"counters": dict(counters), "reasons": dict(reasons)}
    checkpoint.save(
        update_fields=["byte_offset", "records_done", "rejects_size", "counters", "updated_at"]
    )


def _finish(checkpoint, counters, reasons, elapsed: float, index_seconds: float) -> int:
    checkpoint.status = ImportCheckpoint.Status.DONE
    checkpoint.save(update_fields=["status", "updated_at"])
    log = checkpoint.import_log
    import_log_finish(
        import_log=log,
        rows_read=counters["read"],
        rows_created=counters["created"],
        rows_updated=counters["updated"],
        rows_unchanged=counters["unchanged"],
        rows_rejected=counters["rejected"],
        errors=[{"reason": r, "count": n} for r, n in sorted(reasons.items())],
        stats={
            **{k: v for k, v in counters.items()},
            "elapsed_seconds": round(elapsed, 2),
            "index_seconds": round(index_seconds, 2),
            "rows_per_second": round(counters["read"] / elapsed) if elapsed else 0,
            "finished": timezone.now().isoformat(),
        },
    )
    return log.id


# -- rejected rows file ------------------------------------------------------------------------
def _rejects_path(path: Path, options: BulkImportOptions, checkpoint) -> Path:
    if options.rejects_path:
        return Path(options.rejects_path)
    folder = var_dir() / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    suffix = f"{checkpoint.import_log_id}" if checkpoint else "dry-run"
    return folder / f"{Path(path).name}.{suffix}.rejected.csv"


class _RejectsFile:
    HEADER = ["line", "siret", "reason", "detail"]

    def __init__(self, path: Path, resume_size: int | None) -> None:
        self.path = path
        exists = path.exists()
        self.handle = open(path, "a+", encoding="utf-8", newline="")  # noqa: SIM115
        if resume_size is not None and exists:
            self.handle.truncate(resume_size)  # drop lines of a chunk that did not commit
        self.handle.seek(0, os.SEEK_END)
        self.csv = csv.writer(self.handle)
        if self.handle.tell() == 0:
            self.csv.writerow(self.HEADER)
        self.size = self.handle.tell()

    def write(self, rows) -> None:
        # line = record number + 1: the header is line 1
        self.csv.writerows(
            (number + 1, siret, reason, detail) for number, siret, reason, detail in rows
        )
        self.handle.flush()
        self.size = self.handle.tell()

    def close(self) -> None:
        self.handle.close()


class _rejects_file:  # a context manager used like a function
    def __init__(self, path: Path | None, checkpoint: ImportCheckpoint | None) -> None:
        self.path = path
        self.resume_size = (
            checkpoint.rejects_size if checkpoint and checkpoint.records_done else None
        )
        if checkpoint is not None and not checkpoint.records_done and path and path.exists():
            path.unlink()
        self.file: _RejectsFile | None = None

    def __enter__(self) -> _RejectsFile | None:
        if self.path is not None:
            self.file = _RejectsFile(self.path, self.resume_size)
        return self.file

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            self.file.close()


def require_file(path: Path) -> Path:
    if not Path(path).is_file():
        raise ApplicationError(f"No such file: {path}")
    return Path(path)
