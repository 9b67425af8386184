"""Uploaded CSV and XLSX files: checked while the request waits (type, size, row count), then
turned into the bulk import's CSV and imported by a worker, through the same validation and
upsert as INSEE's files.

The type is read from the bytes, never from the name: an XLSX is a zip holding
`xl/workbook.xml`; a CSV is text in UTF-8 (with or without BOM) or else Windows-1252, as French
spreadsheets export it, with `,` or `;` between fields. Column names are matched whatever
their case. Rows are numbered as the spreadsheet shows them (the header is line 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

import filetype
from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.paths import var_dir

from .models import ImportLog
from .services import import_log_close, import_log_fail
from .sirene.bulk import BulkImportOptions, one_line, sirene_bulk_import
from .sirene.layout import (
    NAF25_COLUMN,
    SIMPLE_OPTIONAL,
    SIMPLE_REQUIRED,
    STOCK_ETABLISSEMENT_COLUMNS,
    UNITE_LEGALE_NAME_COLUMNS,
)

KNOWN_COLUMNS = {
    name.lower(): name
    for name in (
        *SIMPLE_REQUIRED, *SIMPLE_OPTIONAL, *STOCK_ETABLISSEMENT_COLUMNS, NAF25_COLUMN,
        *UNITE_LEGALE_NAME_COLUMNS,
    )
}  # fmt: skip
ZERO_PADDED = {"code_postal": 5, "code_commune": 5, "codePostalEtablissement": 5}


class UploadTooLarge(ApplicationError):
    status_code = 413


@dataclass
class Checked:
    kind: str  # ImportLog.Type.CSV or XLSX
    rows: int | None  # data rows; None when an XLSX does not say (the worker counts)


# -- while the request waits -------------------------------------------------------------------
def upload_check(upload: UploadedFile) -> Checked:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise UploadTooLarge(
            f"The file is {upload.size / 1e6:.1f} MB; uploads are limited to "
            f"{settings.UPLOAD_MAX_BYTES / 1e6:.0f} MB. Split it, or import it with "
            "`foxreviews import`."
        )
    if upload.size == 0:
        raise ApplicationError("The file is empty.")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(upload)
        kind = ImportLog.Type.XLSX
    else:
        if b"\x00" in head:
            raise ApplicationError(_not_a_table(head))
        rows = _csv_rows(_decode(upload.read(), binary_hint=head))
        kind = ImportLog.Type.CSV
    upload.seek(0)
    if rows is not None and rows > settings.UPLOAD_MAX_ROWS:
        raise ApplicationError(
            f"The file has {rows:,} rows; uploads are limited to {settings.UPLOAD_MAX_ROWS:,}."
        )
    if rows == 0:
        raise ApplicationError("The file has a header but no rows.")
    return Checked(kind=kind, rows=rows)


def upload_accept(*, upload: UploadedFile, user, dry_run: bool = False) -> ImportLog:
    """Store the file and its ImportLog; a worker imports it once the transaction commits."""
    checked = upload_check(upload)
    name = Path(upload.name or "upload").name[:200]
    log = ImportLog(
        type=checked.kind,
        status=ImportLog.Status.PENDING,
        source=name,
        created_by=user,
        stats={"dry_run": dry_run, "rows_total": checked.rows, "file_name": name},
    )
    log.file.save(name, upload, save=False)
    log.save()
    from .tasks import upload_process  # tasks import this module

    transaction.on_commit(lambda: upload_process.delay(log.pk))
    return log


def _not_a_table(head: bytes) -> str:
    kind = filetype.guess(head)
    what = f"a {kind.extension.upper()} file ({kind.mime})" if kind else "binary data"
    return f"The file is {what}, not a CSV or an XLSX workbook."


def _decode(data: bytes, *, binary_hint: bytes = b"") -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")  # what Excel writes for "CSV (séparateur: point-virgule)"
    except UnicodeDecodeError:
        raise ApplicationError(
            _not_a_table(binary_hint)
            if filetype.guess(binary_hint)
            else "The file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8."
        ) from None


def _dialect(text: str) -> type[csv.Dialect]:
    first = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        return csv.excel  # one column: the header check says what is missing


def _csv_rows(text: str) -> int:
    # a line count is an upper bound (quoted fields may hold line breaks): parse only if needed
    lines = text.count("\n") + (0 if text.endswith("\n") else 1) - 1
    if lines <= settings.UPLOAD_MAX_ROWS:
        return max(lines, 0)
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), _dialect(text))) - 1


def _open_workbook(handle: IO[bytes]):
    """In the worker: the file was checked to be a workbook when it was accepted."""
    import openpyxl

    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ApplicationError(f"The XLSX workbook cannot be read: {exc}") from None


def _xlsx_rows(handle: IO[bytes]) -> int | None:
    """The first sheet's row count from its `<dimension ref="A1:E50001">`, read at the head of
    the sheet's XML: opening the workbook with openpyxl would load every shared string first
    (a second for 50,000 rows) while the request waits. None when the sheet does not say."""
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise ApplicationError(
                    "The file is a zip archive, not an XLSX workbook; upload the CSV inside it."
                )
            sheet = _first_sheet_path(archive)
            if sheet not in names:
                raise ApplicationError("The XLSX workbook has no worksheet.")
            with archive.open(sheet) as xml:
                for _, element in ElementTree.iterparse(xml, events=("start",)):
                    tag = element.tag.rsplit("}", 1)[-1]
                    if tag == "dimension":
                        last = element.get("ref", "").split(":")[-1]
                        digits = "".join(c for c in last if c.isdigit())
                        return max(int(digits) - 1, 0) if digits else None
                    if tag == "sheetData":
                        return None
    except (zipfile.BadZipFile, KeyError, OSError, ParseError, DefusedXmlException) as exc:
        raise ApplicationError(f"The XLSX workbook cannot be read: {exc}") from None
    finally:
        handle.seek(0)
    return None


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    """xl/workbook.xml names the sheets in order; its relationships say where each one is."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = next(e for e in workbook.iter() if e.tag.rsplit("}", 1)[-1] == "sheet")
    rel_id = next(v for k, v in first.attrib.items() if k.rsplit("}", 1)[-1] == "id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(e.get("Target", "") for e in rels if e.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


# -- in the worker -----------------------------------------------------------------------------
def upload_folder() -> Path:
    folder = var_dir() / "imports" / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def upload_files_delete(log: ImportLog) -> None:
    """The uploaded file and what the worker made of it; the ImportLog keeps its counters."""
    if log.file:
        log.file.delete(save=False)
    for path in (upload_folder() / f"{log.pk}.csv", upload_folder() / f"{log.pk}.rejected.csv"):
        path.unlink(missing_ok=True)
    log.stats = {**log.stats, "rejects_file": "", "file_deleted": True}
    log.save(update_fields=["file", "stats", "updated_at"])


def upload_process(*, import_log_id: int) -> ImportLog:
    """Import an accepted upload; run again after a crash, it resumes (or does nothing)."""
    log = ImportLog.objects.get(pk=import_log_id)
    if log.status in (ImportLog.Status.SUCCESS, ImportLog.Status.PARTIAL):
        return log
    extras = {k: log.stats.get(k) for k in ("dry_run", "rows_total", "file_name")}
    folder = upload_folder()
    normalized = folder / f"{log.pk}.csv"
    rejects = folder / f"{log.pk}.rejected.csv"
    try:
        with log.file.open("rb") as handle:
            rows = _normalize(handle, log.type, normalized)
        if extras["dry_run"]:
            rejects.unlink(missing_ok=True)  # a dry run is not resumed: it starts over
        result = sirene_bulk_import(
            path=normalized,
            options=BulkImportOptions(
                batch_size=settings.UPLOAD_BATCH_ROWS,
                dry_run=bool(extras["dry_run"]),
                rejects_path=rejects,
                progress=False,
                import_log=log,
            ),
        )
    except ApplicationError as exc:
        return _failed(log, exc.message, extras)
    except Exception as exc:
        _failed(log, one_line(exc), extras)
        raise
    log.refresh_from_db()
    counters = result.counters
    if extras["dry_run"]:  # nothing was written, not even a checkpoint: the log says it all
        import_log_close(import_log=log, counters=counters, reasons=result.reasons, stats=counters)
    log.stats = {
        **log.stats,
        **extras,
        "rows_total": rows,
        "rejects_file": str(rejects) if counters["rejected"] else "",
    }
    log.save(update_fields=["stats", "updated_at"])
    return log


def _failed(log: ImportLog, message: str, extras: dict) -> ImportLog:
    log.refresh_from_db()  # the counters the import committed
    return import_log_fail(import_log=log, error=message, stats=extras)


def _normalize(handle: IO[bytes], kind: str, out: Path) -> int:
    """The upload as the bulk import reads it: UTF-8, `,`, canonical column names. Returns the
    number of data rows. Written again on a rerun (the same bytes: a resume finds its place)."""
    rows = _xlsx_records(handle) if kind == ImportLog.Type.XLSX else _csv_records(handle)
    count = -1
    with open(out, "w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target, lineterminator="\n")
        header: list[str] = []
        for count, record in enumerate(rows):
            if count == 0:
                header = [KNOWN_COLUMNS.get(str(name).strip().lower(), str(name).strip())
                          for name in record]  # fmt: skip
                writer.writerow(header)
                continue
            if count > settings.UPLOAD_MAX_ROWS:
                raise ApplicationError(
                    f"The file has more than {settings.UPLOAD_MAX_ROWS:,} rows; uploads are "
                    f"limited to {settings.UPLOAD_MAX_ROWS:,}."
                )
            writer.writerow(_padded(header, record))
    if count < 1:
        raise ApplicationError("The file has a header but no rows.")
    return count


def _padded(header: list[str], record: list[str]) -> list[str]:
    """Codes typed as numbers lose their leading zero in a spreadsheet (01000 → 1000)."""
    out = list(record)
    for i, name in enumerate(header[: len(out)]):
        width = ZERO_PADDED.get(name)
        if width and out[i].isdigit() and len(out[i]) < width:
            out[i] = out[i].zfill(width)
    return out


def _csv_records(handle: IO[bytes]):
    text = _decode(handle.read())
    yield from csv.reader(io.StringIO(text, newline=""), _dialect(text))


def _xlsx_records(handle: IO[bytes]):
    workbook = _open_workbook(handle)
    try:
        width = None  # the header's: a sheet pads every row to its widest one
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            record = [_cell(value) for value in values]
            if not any(record):
                continue  # an empty row (formatting only)
            if width is None:
                record = _trimmed(record)
                width = len(record)
            elif not any(record[width:]):
                record = record[:width] + [""] * (width - len(record))
            yield record  # longer than the header: the import reports it as malformed
    finally:
        workbook.close()


def _trimmed(record: list[str]) -> list[str]:
    """The header row without the empty cells a sheet may carry after its last column."""
    while record and record[-1] == "":
        record = record[:-1]
    return record


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a SIRET typed as a number
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()
