"""Uploaded CSV and XLSX files while the request waits: checked for what is cheap and bounded
(type from the bytes, size, a CSV's row count, a workbook's ZIP directory), stored with their
ImportLog, and handed to a worker (upload_worker.py), which reads them under budgets."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.tasks import QueueUnreachable, publish

from .models import ImportLog
from .services import upload_discard
from .tasks import upload_process
from .upload_budget import count, megabytes, too_many_rows
from .upload_reading import NO_ROWS, csv_dialect, decode_text, not_a_table
from .xlsx_reader import xlsx_directory_check


class UploadTooLarge(ApplicationError):
    status_code = 413


@dataclass
class Checked:
    kind: str  # ImportLog.Type.CSV or XLSX
    rows: int | None  # data rows; None for an XLSX (the worker counts them as it reads)


def upload_check(upload: UploadedFile) -> Checked:
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise UploadTooLarge(
            f"Le fichier fait {megabytes(upload.size)} ; un import est limité à "
            f"{settings.UPLOAD_MAX_BYTES / 1e6:.0f} Mo. Découpez-le, ou importez-le avec "
            "`foxreviews import`."
        )
    if upload.size == 0:
        raise ApplicationError("Le fichier est vide.")
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        xlsx_directory_check(
            upload,
            max_bytes=settings.UPLOAD_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.UPLOAD_MAX_COMPRESSION_RATIO,
        )
        rows, kind = None, ImportLog.Type.XLSX  # counted by the worker, as it reads
    else:
        if b"\x00" in head:
            raise ApplicationError(not_a_table(head))
        rows = _csv_rows(decode_text(upload.read(), binary_hint=head))
        kind = ImportLog.Type.CSV
    upload.seek(0)
    if rows is not None and rows > settings.UPLOAD_MAX_ROWS:
        raise ApplicationError(too_many_rows(count(rows)))
    if rows == 0:
        raise ApplicationError(NO_ROWS)
    return Checked(kind=kind, rows=rows)


def upload_accept(*, upload: UploadedFile, user, dry_run: bool = False) -> ImportLog:
    """Store the file and its ImportLog; a worker imports it once the transaction commits (or,
    the broker out of reach, neither is kept and QueueUnreachable is raised)."""
    checked = upload_check(upload)
    name = Path(upload.name or "upload").name[:200]
    log = ImportLog(
        type=checked.kind,
        status=ImportLog.Status.PENDING,
        source=name,
        created_by=user,
        dry_run=dry_run,
        rows_total=checked.rows,
        heartbeat_at=timezone.now(),
    )
    log.file.save(name, upload, save=False)
    log.save()
    transaction.on_commit(lambda: upload_enqueue(log))
    return log


def upload_enqueue(log: ImportLog) -> None:
    """Hand the upload to a worker, or refuse it at once: with the broker out of reach, the file
    and its ImportLog go and the request gets a 503 (they stayed pending for ever)."""
    try:
        publish(upload_process, log.pk, what="le fichier n'a pas été gardé, renvoyez-le")
    except QueueUnreachable:
        upload_discard(log)
        raise


def _csv_rows(text: str) -> int | None:
    # a line count is an upper bound (quoted fields may hold line breaks): parse only if needed
    lines = text.count("\n") + (0 if text.endswith("\n") else 1) - 1
    if lines <= settings.UPLOAD_MAX_ROWS:
        return max(lines, 0)
    try:
        return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), csv_dialect(text))) - 1
    except csv.Error:
        return None  # the worker's read says what is wrong, and where
