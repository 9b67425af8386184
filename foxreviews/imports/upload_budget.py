"""What reading one uploaded file may cost a worker: bytes, cells, rows, columns, shared
strings, time and memory. Over a cap, the read stops at once and the import fails with one line
naming the cap; nothing has been written by then (a file is read whole before its import)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings

from foxreviews.core.exceptions import ApplicationError


class OverBudget(ApplicationError):
    """A file asked more than a cap allows."""


def count(number: int) -> str:
    """A number as French readers write it: `50 000`."""
    return f"{number:,}".replace(",", " ")


def megabytes(size: float) -> str:
    """A size as French readers write it: `11,5 Mo`."""
    return f"{size / 1e6:.1f} Mo".replace(".", ",")


def too_many_rows(rows: str) -> str:
    """`rows` as the reader should see it: `50 001`, `plus de 50 000`."""
    limit = count(settings.UPLOAD_MAX_ROWS)
    return f"Le fichier compte {rows} lignes ; un import est limité à {limit} lignes."


@dataclass
class ReadBudget:
    """The caps of one read, from the settings; `spend`/`cell`/`row` are called as it goes."""

    max_bytes: int = field(default_factory=lambda: settings.UPLOAD_MAX_UNCOMPRESSED_BYTES)
    max_cell_chars: int = field(default_factory=lambda: settings.UPLOAD_MAX_CELL_CHARS)
    max_rows: int = field(default_factory=lambda: settings.UPLOAD_MAX_ROWS)
    max_columns: int = field(default_factory=lambda: settings.UPLOAD_MAX_COLUMNS)
    max_shared_strings: int = field(default_factory=lambda: settings.UPLOAD_MAX_SHARED_STRINGS)
    max_token_bytes: int = field(default_factory=lambda: settings.UPLOAD_MAX_XML_TOKEN_BYTES)
    max_seconds: float = field(default_factory=lambda: settings.UPLOAD_MAX_READ_SECONDS)
    spent_bytes: int = 0
    written_chars: int = 0
    started: float = field(default_factory=time.monotonic)

    def spend(self, size: int) -> None:
        """`size` more bytes read (decompressed XML) or written (the table for the import)."""
        self.spent_bytes += size
        if self.spent_bytes > self.max_bytes:
            raise OverBudget(
                f"Le fichier dépasse {megabytes(self.max_bytes)} une fois décompressé ; "
                "découpez-le en plusieurs fichiers."
            )
        if time.monotonic() - self.started > self.max_seconds:
            raise OverBudget(
                f"La lecture du fichier a dépassé {self.max_seconds:.0f} secondes ; "
                "découpez-le en plusieurs fichiers."
            )

    def written(self, chars: int) -> None:
        """`chars` more characters in the table handed to the import (shared strings can make
        it much bigger than the file: one long text named in every cell)."""
        self.written_chars += chars
        if self.written_chars > self.max_bytes:
            raise OverBudget(
                f"Le tableau dépasse {megabytes(self.max_bytes)} une fois lu ; découpez-le en "
                "plusieurs fichiers."
            )

    def cell(self, length: int, where: str) -> None:
        if length > self.max_cell_chars:
            raise OverBudget(
                f"Une cellule ({where}) dépasse {count(self.max_cell_chars)} caractères, "
                "la limite d'une cellule de tableur."
            )

    def columns(self, width: int, where: str) -> None:
        if width > self.max_columns:
            raise OverBudget(
                f"La ligne {where} a plus de {count(self.max_columns)} colonnes ; un import "
                f"en lit au plus {count(self.max_columns)}."
            )

    def rows(self, data_rows: int) -> None:
        if data_rows > self.max_rows:
            raise OverBudget(too_many_rows(f"plus de {count(self.max_rows)}"))

    def shared_strings(self, number: int) -> None:
        if number > self.max_shared_strings:
            raise OverBudget(
                f"Le classeur a plus de {count(self.max_shared_strings)} textes partagés "
                "(sharedStrings) ; enregistrez-le en CSV."
            )

    def token(self, size: int) -> None:
        if size > self.max_token_bytes:
            raise OverBudget(
                f"Le classeur contient une balise XML de plus de {count(self.max_token_bytes)} "
                "octets ; ce n'est pas un classeur de tableur."
            )
