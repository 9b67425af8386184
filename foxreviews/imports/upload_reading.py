"""Reading uploaded CSV and XLSX files as rows, as the spreadsheet shows them: text in UTF-8
(with or without BOM) or Windows-1252, `,` or `;` between fields; a workbook's first sheet."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import IO

import filetype
from django.conf import settings

from foxreviews.core.exceptions import ApplicationError

NO_ROWS = "Le fichier a une ligne d'en-tête mais aucune ligne de données."


def count(number: int) -> str:
    """A number as French readers write it: `50 000`."""
    return f"{number:,}".replace(",", " ")


def too_many_rows(rows: str) -> str:
    """`rows` as the reader should see it: `50 001`, `plus de 50 000`."""
    limit = count(settings.UPLOAD_MAX_ROWS)
    return f"Le fichier compte {rows} lignes ; un import est limité à {limit} lignes."


def not_a_table(head: bytes) -> str:
    """Why a file whose first bytes are `head` is refused, naming what it really is."""
    kind = filetype.guess(head)
    what = f"un fichier {kind.extension.upper()} ({kind.mime})" if kind else "des données binaires"
    return f"Le fichier est {what}, pas un CSV ni un classeur XLSX."


def decode_text(data: bytes, *, binary_hint: bytes = b"") -> str:
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
            not_a_table(binary_hint)
            if filetype.guess(binary_hint)
            else "Le fichier n'est un texte ni en UTF-8 ni en Windows-1252 ; enregistrez-le "
            "au format CSV UTF-8."
        ) from None


def csv_dialect(text: str) -> type[csv.Dialect]:
    """RFC 4180 (doubled quotes, quoted separators and line breaks, CRLF) with the header's
    separator: ',', ';' or a tab. Only the separator is sniffed: the sniffer's guess at the
    quoting turned doubled quotes off."""
    first = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
    except csv.Error:
        return csv.excel  # one column: the header check says what is missing
    return type("UploadDialect", (csv.excel,), {"delimiter": delimiter})


def csv_records(handle: IO[bytes]) -> Iterator[list[str]]:
    text = decode_text(handle.read())
    yield from csv.reader(io.StringIO(text, newline=""), csv_dialect(text))


def xlsx_records(handle: IO[bytes]) -> Iterator[list[str]]:
    """The first sheet's rows as text, empty rows left out, each as wide as the header."""
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


def _open_workbook(handle: IO[bytes]):
    # imported here: only a worker opens a workbook, and openpyxl is slow to import
    import openpyxl

    try:
        return openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ApplicationError(f"Le classeur XLSX est illisible : {exc}") from None


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
