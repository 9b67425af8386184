"""Reading uploaded CSV and XLSX files as rows, as the spreadsheet shows them: text in UTF-8
(with or without BOM) or Windows-1252, `,` or `;` between fields; a workbook's first sheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO

import filetype

from foxreviews.core.exceptions import ApplicationError

from .upload_budget import ReadBudget
from .xlsx_reader import xlsx_rows

NO_ROWS = "Le fichier a une ligne d'en-tête mais aucune ligne de données."


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


def csv_records(handle: IO[bytes], budget: ReadBudget) -> Iterator[list[str]]:
    data = handle.read()
    budget.spend(len(data))
    text = decode_text(data)
    reader = csv.reader(io.StringIO(text, newline=""), csv_dialect(text))
    try:
        yield from reader
    except csv.Error as exc:  # a cell beyond the csv module's own limit (128 Kio), a NUL...
        if "field larger than field limit" in str(exc):
            budget.cell(budget.max_cell_chars + 1, f"ligne {reader.line_num}")
        line = reader.line_num
        raise ApplicationError(f"Le CSV est illisible à la ligne {line} : {exc}") from None


def xlsx_records(handle: IO[bytes], budget: ReadBudget) -> Iterator[list[str]]:
    """The first sheet's rows as text, empty rows left out, each as wide as the header."""
    width = None  # the header's: a sheet pads every row to its widest one
    for record in xlsx_rows(handle, budget):
        if width is None:
            record = _trimmed(record)
            width = len(record)
        elif not any(record[width:]):
            record = record[:width] + [""] * (width - len(record))
        yield record  # longer than the header: the import reports it as malformed


def _trimmed(record: list[str]) -> list[str]:
    """The header row without the empty cells a sheet may carry after its last column."""
    while record and record[-1] == "":
        record = record[:-1]
    return record
