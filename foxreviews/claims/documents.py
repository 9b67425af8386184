"""A claim's supporting document: at most CLAIM_DOCUMENT_MAX_BYTES (refused while it streams
in, not after), a PDF, PNG or JPEG by its bytes, kept under CLAIM_DOCUMENTS_DIR (inside
FOXREVIEWS_VAR_DIR, outside anything a web server serves) under a name of our own."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler

from foxreviews.core.exceptions import ApplicationError

ACCEPTED = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
HEAD_BYTES = 8192  # filetype reads the first 8 KiB at most


class DocumentTooLarge(ApplicationError):
    status_code = 413


def too_large(size: int | None = None) -> DocumentTooLarge:
    limit = f"{settings.CLAIM_DOCUMENT_MAX_BYTES / 1e6:.0f} Mo"
    said = f"Le justificatif fait {size / 1e6:.1f} Mo ; " if size else "Le justificatif dépasse "
    return DocumentTooLarge(
        f"{said}la limite est de {limit}. Envoyez un PDF ou une image moins lourds.",
        {"max_bytes": settings.CLAIM_DOCUMENT_MAX_BYTES},
    )


class SizeLimitUploadHandler(FileUploadHandler):
    """First in a request's upload handlers: counts the files' bytes as they arrive (all the
    files of the request together) and stops the request at the first byte over the limit:
    nothing more is read, nothing kept."""

    received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.CLAIM_DOCUMENT_MAX_BYTES:
            raise too_large()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file


@dataclass(frozen=True)
class CheckedDocument:
    mime: str
    extension: str
    size: int
    name: str  # as sent, for the staff's eyes only (never a path)


def document_check(upload: UploadedFile) -> CheckedDocument:
    """The document's real type and size, or an ApplicationError saying what is wrong."""
    if upload.size is not None and upload.size > settings.CLAIM_DOCUMENT_MAX_BYTES:
        raise too_large(upload.size)
    if not upload.size:
        raise ApplicationError("Le justificatif est vide.")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ACCEPTED:
        what = f"un fichier {kind.extension.upper()} ({kind.mime})" if kind else "d'un type inconnu"
        raise ApplicationError(
            f"Le justificatif est {what}, pas un PDF, un PNG ni un JPEG.",
            {"detected": kind.mime if kind else None, "accepted": sorted(ACCEPTED)},
        )
    name = "".join(c for c in Path(upload.name or "").name if c.isprintable())[:200]
    return CheckedDocument(
        mime=kind.mime, extension=ACCEPTED[kind.mime], size=upload.size, name=name
    )


def documents_dir() -> Path:
    return Path(settings.CLAIM_DOCUMENTS_DIR)


def document_store(upload: UploadedFile, checked: CheckedDocument) -> str:
    """Write the document under a random name (readable by this account only); its file name."""
    folder = documents_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{secrets.token_hex(16)}.{checked.extension}"
    upload.seek(0)
    fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return name


def document_open(file_name: str) -> IO[bytes]:
    """The stored document (FileNotFoundError when gone). Names are ours: no path in them."""
    if Path(file_name).name != file_name or not file_name:
        raise FileNotFoundError(file_name)
    return (documents_dir() / file_name).open("rb")


def document_delete(file_name: str) -> None:
    if file_name and Path(file_name).name == file_name:
        (documents_dir() / file_name).unlink(missing_ok=True)


def document_response(*, file_name: str, mime: str, download_name: str):
    """The stored document as an attachment (never shown inline), not cached anywhere; for staff
    only: the admin's and the moderation API's views check that before calling this."""
    from django.http import FileResponse, Http404

    try:
        handle = document_open(file_name)
    except FileNotFoundError:
        raise Http404("Le justificatif n'est plus disponible.") from None
    response = FileResponse(handle, as_attachment=True, filename=download_name, content_type=mime)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
