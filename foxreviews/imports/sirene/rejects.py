"""The rejected-rows CSV of a bulk import: one line per rejected record, appended chunk by
chunk and cut back to the last checkpoint when a killed run resumes."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from foxreviews.core.exceptions import ApplicationError
from foxreviews.imports.models import ImportCheckpoint


class RejectedRow(NamedTuple):
    record: int  # the record's number in the file (the header is record 0)
    siret: str
    reason: str  # a code: siret_invalide, ligne_malformee...
    detail: str  # for people: stdnum's reason, the column count...

    def as_json(self) -> dict[str, int | str]:
        return {"record": self.record, "siret": self.siret, "reason": self.reason,
                "detail": self.detail}  # fmt: skip


def check_rejects_path(path: Path | None) -> None:
    """Refuse, before anything is written, a place the rejected rows could not go."""
    if path is None:
        return
    path = Path(path)
    if path.is_dir():
        raise ApplicationError(
            f"Le fichier des lignes rejetées {path} est un dossier ; donnez un nom de fichier."
        )
    if not path.parent.is_dir():
        raise ApplicationError(
            f"Le dossier du fichier des lignes rejetées n'existe pas : {path.parent}"
        )
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise ApplicationError(
            f"Le fichier des lignes rejetées {path} ne peut pas être écrit (permissions)."
        )


# what a spreadsheet reads as the start of a formula (OWASP: CSV injection)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: str) -> str:
    """A cell from the file, made inert for the spreadsheet that will open the rejects: a
    leading quote keeps `=cmd|' /C calc'!A0` as text."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


class RejectsFile:
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

    def write(self, rows: Iterable[RejectedRow]) -> None:
        # line = record number + 1: the header is line 1
        self.csv.writerows(
            (row.record + 1, spreadsheet_safe(row.siret), row.reason, spreadsheet_safe(row.detail))
            for row in rows
        )
        self.handle.flush()
        self.size = self.handle.tell()

    def close(self) -> None:
        self.handle.close()


class rejects_file:  # a context manager used like a function
    def __init__(self, path: Path | None, checkpoint: ImportCheckpoint | None) -> None:
        self.path = path
        self.resume_size = (
            checkpoint.rejects_size if checkpoint and checkpoint.records_done else None
        )
        if checkpoint is not None and not checkpoint.records_done and path and path.exists():
            path.unlink()
        self.file: RejectsFile | None = None

    def __enter__(self) -> RejectsFile | None:
        if self.path is not None:
            self.file = RejectsFile(self.path, self.resume_size)
        return self.file

    def __exit__(self, *exc) -> None:
        if self.file is not None:
            self.file.close()
