"""An accepted upload imported by a worker: turned into the bulk import's CSV (UTF-8, `,`,
canonical column names), then imported through the same validation and upsert as INSEE's files.
Rows are numbered as the spreadsheet shows them (the header is line 1)."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from django.conf import settings

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.processes import memory_budget

from .errors import one_line
from .models import ImportLog
from .services import import_log_close, import_log_fail, import_log_keep_rejects, upload_folder
from .sirene.bulk import BulkImportOptions, sirene_bulk_import
from .sirene.layout import (
    NAF25_COLUMN,
    SIMPLE_OPTIONAL,
    SIMPLE_REQUIRED,
    STOCK_ETABLISSEMENT_COLUMNS,
    UNITE_LEGALE_NAME_COLUMNS,
)
from .sirene.lock import ImportBusy
from .upload_budget import OverBudget, ReadBudget
from .upload_reading import NO_ROWS, csv_records, xlsx_records

KNOWN_COLUMNS = {
    name.lower(): name
    for name in (
        *SIMPLE_REQUIRED, *SIMPLE_OPTIONAL, *STOCK_ETABLISSEMENT_COLUMNS, NAF25_COLUMN,
        *UNITE_LEGALE_NAME_COLUMNS,
    )
}  # fmt: skip
ZERO_PADDED = {"code_postal": 5, "code_commune": 5, "codePostalEtablissement": 5}


def upload_process(*, import_log_id: int) -> ImportLog:
    """Import an accepted upload; run again after a crash, it resumes (or does nothing)."""
    log = ImportLog.objects.get(pk=import_log_id)
    if log.status in (ImportLog.Status.SUCCESS, ImportLog.Status.PARTIAL):
        return log
    folder = upload_folder()
    normalized = folder / f"{log.pk}.csv"
    rejects = folder / f"{log.pk}.rejected.csv"
    try:
        rows = _read(log, normalized)
        log.rows_total = rows  # known before the first row is written: the progress shows it
        log.save(update_fields=["rows_total", "updated_at"])
        if log.dry_run:
            rejects.unlink(missing_ok=True)  # a dry run is not resumed: it starts over
        result = sirene_bulk_import(
            path=normalized,
            options=BulkImportOptions(
                batch_size=settings.UPLOAD_BATCH_ROWS,
                dry_run=log.dry_run,
                rejects_path=rejects,
                progress=False,
                import_log=log,
            ),
        )
    except ImportBusy:
        raise  # another import holds the lock: the upload waits its turn (the task retries)
    except ApplicationError as exc:
        return _failed(log, exc.message)
    except Exception as exc:
        _failed(log, one_line(exc))
        raise
    finally:  # a rerun writes the table again from the upload; a failed import has no rejects
        normalized.unlink(missing_ok=True)
        if log.status == ImportLog.Status.FAILED:
            rejects.unlink(missing_ok=True)
    log.refresh_from_db()
    if log.dry_run:  # nothing was written, not even a checkpoint: the log says it all
        import_log_close(import_log=log, counters=result.counters, stats=result.counters.as_dict())
    import_log_keep_rejects(import_log=log, path=result.rejects_path)
    rejects.unlink(missing_ok=True)  # its header alone, when no row was rejected
    return log


def _failed(log: ImportLog, message: str) -> ImportLog:
    log.refresh_from_db()  # the counters the import committed
    return import_log_fail(import_log=log, error=message)


def _read(log: ImportLog, out: Path) -> int:
    """The upload read whole under its budgets (bytes, cells, rows, time, memory) into the
    bulk import's CSV, before any row is written."""
    budget = ReadBudget()
    try:
        with log.file.open("rb") as handle, memory_budget(settings.UPLOAD_READ_MAX_MEMORY_MB):
            return _normalize(handle, log.type, out, budget)
    except MemoryError:
        out.unlink(missing_ok=True)
        raise OverBudget(
            f"La lecture du fichier demande plus de {settings.UPLOAD_READ_MAX_MEMORY_MB} Mo de "
            "mémoire ; découpez-le, ou enregistrez-le en CSV."
        ) from None


def _normalize(handle: IO[bytes], kind: str, out: Path, budget: ReadBudget) -> int:
    """The upload as the bulk import reads it. Returns the number of data rows. Written again
    on a rerun (the same bytes: a resume finds its place)."""
    records = xlsx_records if kind == ImportLog.Type.XLSX else csv_records
    written = -1
    with open(out, "w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target, lineterminator="\n")
        header: list[str] = []
        for written, record in enumerate(records(handle, budget)):
            line = written + 1
            budget.columns(len(record), str(line))
            for cell in record:
                budget.cell(len(cell), f"ligne {line}")
            budget.written(sum(map(len, record)) + len(record))
            if written == 0:
                header = [KNOWN_COLUMNS.get(str(name).strip().lower(), str(name).strip())
                          for name in record]  # fmt: skip
                writer.writerow(header)
                continue
            budget.rows(written)
            writer.writerow(_padded(header, record))
    if written < 1:
        raise ApplicationError(NO_ROWS)
    return written


def _padded(header: list[str], record: Iterable[str]) -> list[str]:
    """Each cell on one line (a line break inside a quoted cell becomes a space: the bulk
    import reads one record per line), and codes typed as numbers padded again (a spreadsheet
    turns 01000 into 1000)."""
    out = [" ".join(str(cell).splitlines()) for cell in record]
    for i, name in enumerate(header[: len(out)]):
        width = ZERO_PADDED.get(name)
        if width and out[i].isdigit() and len(out[i]) < width:
            out[i] = out[i].zfill(width)
    return out
