"""Uploaded CSV and XLSX files while the request waits: checked (type from the bytes, size,
row count), stored with their ImportLog, and handed to a worker (upload_worker.py)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError

import structlog
from defusedxml import DefusedXmlException, ElementTree
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from foxreviews.core.exceptions import ApplicationError

from .models import ImportLog
from .services import upload_discard
from .tasks import upload_process
from .upload_reading import NO_ROWS, count, csv_dialect, decode_text, not_a_table, too_many_rows

logger = structlog.get_logger(__name__)


class UploadTooLarge(ApplicationError):
    status_code = 413


class QueueUnreachable(ApplicationError):
    """The broker did not take the upload's message: nothing was kept, send it again later."""

    status_code = 503


@dataclass
class Checked:
    kind: str  # ImportLog.Type.CSV or XLSX
    rows: int | None  # data rows; None when an XLSX does not say (the worker counts)


def megabytes(size: float) -> str:
    """A size as French readers write it: `11,5 Mo`."""
    return f"{size / 1e6:.1f} Mo".replace(".", ",")


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
        rows = _xlsx_rows(upload)
        kind = ImportLog.Type.XLSX
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
    """Hand the upload to a worker, or refuse it at once: with the broker out of reach, the
    publish is tried twice within its socket timeouts (CELERY_BROKER_TRANSPORT_OPTIONS), then
    the file and its ImportLog go and the request gets a 503 (Celery's default retries, its
    result backend's twenty reconnections a second apart, held it 20 s and more, then answered
    500 and left the upload pending for ever)."""
    try:
        upload_process.apply_async(
            (log.pk,), retry=True, retry_policy=settings.UPLOAD_QUEUE_RETRY_POLICY
        )
    except BrokerUnreachable as exc:
        logger.warning("upload refused: the broker is out of reach", error=str(exc)[:200])
        upload_discard(log)
        raise QueueUnreachable(
            "La file des imports est injoignable pour le moment ; le fichier n'a pas été "
            "gardé. Renvoyez-le dans quelques minutes.",
            {"reason": "queue_unreachable"},
        ) from exc


def _csv_rows(text: str) -> int:
    # a line count is an upper bound (quoted fields may hold line breaks): parse only if needed
    lines = text.count("\n") + (0 if text.endswith("\n") else 1) - 1
    if lines <= settings.UPLOAD_MAX_ROWS:
        return max(lines, 0)
    return sum(1 for _ in csv.reader(io.StringIO(text, newline=""), csv_dialect(text))) - 1


def _xlsx_rows(handle: IO[bytes]) -> int | None:
    """The first sheet's row count from its `<dimension ref="A1:E50001">`, read at the head of
    the sheet's XML (openpyxl would load every shared string first while the request waits).
    None when the sheet does not say."""
    try:
        with zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise ApplicationError(
                    "Le fichier est une archive zip, pas un classeur XLSX ; envoyez le CSV "
                    "qu'elle contient."
                )
            sheet = _first_sheet_path(archive)
            if sheet not in names:
                raise ApplicationError("Le classeur XLSX n'a aucune feuille.")
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
        raise ApplicationError(f"Le classeur XLSX est illisible : {exc}") from None
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
