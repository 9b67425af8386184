"""An uploaded workbook (XLSX), read as its first sheet's rows of text under a ReadBudget.

openpyxl, even in read-only mode, loads every shared string and every cell's whole text before
a caller can count anything, and trusts the sheet's `<dimension>` for where the rows end: a
1 MB file could take gigabytes or be cut short silently. Here each XML part is streamed through
expat in chunks, so every cap holds while reading: decompressed bytes, the length of a tag, of
a cell and of a shared string, the number of shared strings, columns and rows, and the time.
A DTD is refused (a workbook never has one: no entity can expand). openpyxl's public helpers
still say which number formats are dates and turn Excel's serial numbers into dates.

The request only checks the ZIP directory (xlsx_directory_check): cheap, and bounded by the
upload's size."""

from __future__ import annotations

import datetime as dt
import posixpath
import struct
import zipfile
from collections.abc import Iterator
from typing import IO, Protocol, TypeVar
from xml.parsers import expat

from foxreviews.core.exceptions import ApplicationError

from .upload_budget import ReadBudget, count, megabytes

CHUNK = 64 * 1024
MAX_DIRECTORY_BYTES = 256 * 1024  # a workbook's ZIP directory is a few kilobytes
MAX_MEMBERS = 1_000
MAX_STYLES = 65_536  # Excel allows 64,000 cell formats
RATIO_FROM_BYTES = 1024 * 1024  # smaller parts may compress further (a mostly empty styles.xml)
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NOT_A_WORKBOOK = (
    "Le fichier est une archive zip, pas un classeur XLSX ; envoyez le CSV qu'elle contient."
)


def unreadable(reason: str) -> ApplicationError:
    return ApplicationError(f"Le classeur XLSX est illisible : {reason}")


def xlsx_directory_check(handle: IO[bytes], *, max_bytes: int, max_ratio: int) -> None:
    """What the request may check of a workbook: its ZIP directory (members, their sizes once
    decompressed, the compression ratio), never its XML."""
    if _directory_size(handle) > MAX_DIRECTORY_BYTES:
        raise ApplicationError(
            f"L'archive a un répertoire de plus de {megabytes(MAX_DIRECTORY_BYTES)} ; "
            "ce n'est pas un classeur XLSX."
        )
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise unreadable(str(exc)) from None
    finally:
        handle.seek(0)
    if len(members) > MAX_MEMBERS:
        raise ApplicationError(f"L'archive contient plus de {count(MAX_MEMBERS)} fichiers.")
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise ApplicationError(NOT_A_WORKBOOK)
    for member in members:
        if member.flag_bits & 0x1:
            raise ApplicationError(
                "Le classeur est protégé par un mot de passe ; enregistrez-le sans protection."
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise unreadable(f"méthode de compression {member.compress_type} inconnue")
        if member.file_size > RATIO_FROM_BYTES and member.file_size > max_ratio * max(
            member.compress_size, 1
        ):
            raise ApplicationError(
                f"Une partie du classeur ({member.filename[:80]}) se décompresse plus de "
                f"{max_ratio} fois : refusé (bombe de décompression)."
            )
    total = sum(member.file_size for member in members)
    if total > max_bytes:
        raise ApplicationError(
            f"Le classeur fait {megabytes(total)} une fois décompressé ; un import est limité à "
            f"{megabytes(max_bytes)}. Découpez-le, ou enregistrez-le en CSV."
        )


def _directory_size(handle: IO[bytes]) -> int:
    """The ZIP directory's size, from the end-of-directory record (APPNOTE 4.3.16), read
    before zipfile builds an object per member."""
    handle.seek(0, 2)
    size = handle.tell()
    handle.seek(max(0, size - 22 - 65_535))
    tail = handle.read()
    handle.seek(0)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) < at + 22:
        raise unreadable("fin de l'archive zip introuvable")
    return struct.unpack_from("<L", tail, at + 12)[0]


def xlsx_rows(handle: IO[bytes], budget: ReadBudget) -> Iterator[list[str]]:
    """The first sheet's non-empty rows, each cell as text (stripped), in the sheet's order.
    The row cap is the caller's: this reads until the sheet ends, whatever `<dimension>` says."""
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise unreadable(str(exc)) from None
    with archive:
        try:
            book = _parse(archive, "xl/workbook.xml", _Workbook(), budget)
            rels = _parse(archive, "xl/_rels/workbook.xml.rels", _Relationships(), budget)
            sheet = rels.targets.get(book.first_sheet_id or "")
            if not sheet:
                raise ApplicationError("Le classeur XLSX n'a aucune feuille.")
            strings = _SharedStrings(budget)
            if rels.shared_strings:
                _parse(archive, rels.shared_strings, strings, budget)
            styles = _Styles()
            if rels.styles:
                _parse(archive, rels.styles, styles, budget)
            reader = _Sheet(budget, strings.strings, styles.date_styles(), book.date1904)
            yield from _stream(archive, sheet, reader, budget)
        except (zipfile.BadZipFile, KeyError, EOFError) as exc:
            raise unreadable(str(exc)) from None


class _Handler(Protocol):
    def start(self, name: str, attrs: dict[str, str]) -> None: ...
    def end(self, name: str) -> None: ...
    def text(self, data: str) -> None: ...


_H = TypeVar("_H", bound=_Handler)


def _parse(archive: zipfile.ZipFile, member: str, handler: _H, budget: ReadBudget) -> _H:
    """A whole (small) part, for its handler's findings."""
    for _ in _stream(archive, member, handler, budget):
        pass
    return handler


def _stream(
    archive: zipfile.ZipFile, member: str, handler: _Handler, budget: ReadBudget
) -> Iterator[list[str]]:
    """Feeds one part to expat a chunk at a time; yields what the handler has `ready` (rows)
    after each chunk. Bytes fed since expat's last event are a tag it has not finished: capped."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    last_event = 0

    def refuse_dtd(*_args) -> None:
        raise unreadable("il déclare une DTD, ce qu'un classeur ne fait jamais")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal last_event
        last_event = parser.CurrentByteIndex
        handler.start(name.rpartition("}")[2], attrs)

    def end(name: str) -> None:
        nonlocal last_event
        last_event = parser.CurrentByteIndex
        handler.end(name.rpartition("}")[2])

    def text(data: str) -> None:
        nonlocal last_event
        last_event = parser.CurrentByteIndex
        handler.text(data)

    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    fed = 0
    ready = getattr(handler, "ready", None)
    try:
        with archive.open(member) as xml:
            while chunk := xml.read(CHUNK):
                budget.spend(len(chunk))
                fed += len(chunk)
                parser.Parse(chunk, False)
                budget.token(fed - last_event)
                if ready:
                    yield from ready
                    ready.clear()
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        if exc.code == expat.errors.codes[expat.errors.XML_ERROR_NO_MEMORY]:
            raise MemoryError(str(exc)) from None
        raise unreadable(f"{member} : {expat.errors.messages[exc.code]}") from None
    if ready:
        yield from ready
        ready.clear()


class _Workbook:
    def __init__(self) -> None:
        self.first_sheet_id: str | None = None
        self.date1904 = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "sheet" and self.first_sheet_id is None:
            self.first_sheet_id = attrs.get(f"{RELATIONSHIPS}}}id")
        elif name == "workbookPr":
            self.date1904 = attrs.get("date1904", "").lower() in ("1", "true")

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Relationships:
    """xl/_rels/workbook.xml.rels: where the sheets, shared strings and styles are."""

    def __init__(self) -> None:
        self.targets: dict[str, str] = {}
        self.shared_strings: str | None = None
        self.styles: str | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name != "Relationship" or len(self.targets) > MAX_MEMBERS:
            return
        target = attrs.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        path = posixpath.normpath(path)
        self.targets[attrs.get("Id", "")] = path
        kind = attrs.get("Type", "").rpartition("/")[2]
        if kind == "sharedStrings":
            self.shared_strings = path
        elif kind == "styles":
            self.styles = path

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Text:
    """The text of `<t>` elements inside one item (a shared string, an inline string), minus
    phonetic runs (`<rPh>`), checked against the cell cap as it grows."""

    def __init__(self, budget: ReadBudget) -> None:
        self.budget = budget
        self.parts: list[str] = []
        self.length = 0
        self.in_t = False
        self.phonetic = 0

    def reset(self) -> None:
        self.parts, self.length, self.in_t, self.phonetic = [], 0, False, 0

    def start(self, name: str) -> None:
        if name == "rPh":
            self.phonetic += 1
        elif name == "t" and not self.phonetic:
            self.in_t = True

    def end(self, name: str) -> None:
        if name == "rPh":
            self.phonetic -= 1
        elif name == "t":
            self.in_t = False

    def add(self, data: str, where: str) -> None:
        self.length += len(data)
        self.budget.cell(self.length, where)
        self.parts.append(data)

    def value(self) -> str:
        return "".join(self.parts)


class _SharedStrings:
    def __init__(self, budget: ReadBudget) -> None:
        self.budget = budget
        self.strings: list[str] = []
        self.item: _Text | None = None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "si":
            self.item = _Text(self.budget)
        elif self.item:
            self.item.start(name)

    def end(self, name: str) -> None:
        if name == "si" and self.item:
            self.strings.append(self.item.value())
            self.budget.shared_strings(len(self.strings))
            self.item = None
        elif self.item:
            self.item.end(name)

    def text(self, data: str) -> None:
        if self.item and self.item.in_t:
            self.item.add(data, f"texte partagé n° {len(self.strings) + 1}")


class _Styles:
    """Which cell styles show a number as a date (xl/styles.xml's cellXfs and numFmts)."""

    def __init__(self) -> None:
        self.formats: dict[int, str] = {}
        self.xf_formats: list[int] = []
        self.in_cell_xfs = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "numFmt" and len(self.formats) < MAX_STYLES:
            self.formats[_int(attrs.get("numFmtId"))] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            self.in_cell_xfs = True
        elif name == "xf" and self.in_cell_xfs:
            if len(self.xf_formats) >= MAX_STYLES:
                raise unreadable(f"plus de {count(MAX_STYLES)} styles de cellule")
            self.xf_formats.append(_int(attrs.get("numFmtId")))

    def end(self, name: str) -> None:
        if name == "cellXfs":
            self.in_cell_xfs = False

    def text(self, data: str) -> None:
        pass

    def date_styles(self) -> frozenset[int]:
        from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

        return frozenset(
            index
            for index, fmt in enumerate(self.xf_formats)
            if is_date_format(self.formats.get(fmt) or BUILTIN_FORMATS.get(fmt) or "General")
        )


class _Sheet:
    """Rows of the sheet as they end, in `ready`; empty rows are left out."""

    def __init__(
        self, budget: ReadBudget, strings: list[str], dates: frozenset[int], date1904: bool
    ) -> None:
        self.budget, self.strings, self.dates, self.date1904 = budget, strings, dates, date1904
        self.ready: list[list[str]] = []
        self.cells: dict[int, str] = {}
        self.row_number = 0
        self.column = 0
        self.ref = ""
        self.kind = "n"
        self.style = 0
        self.content = _Text(budget)
        self.in_value = False

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if name == "row":
            self.row_number = _int(attrs.get("r")) or self.row_number + 1
            self.cells, self.column = {}, 0
        elif name == "c":
            self.ref = attrs.get("r", "")
            self.column = _column(self.ref) or self.column + 1
            self.kind = attrs.get("t", "n")
            self.style = _int(attrs.get("s"))
            self.content.reset()
        elif name == "v":
            self.in_value = True
        else:
            self.content.start(name)

    def end(self, name: str) -> None:
        if name == "v":
            self.in_value = False
        elif name == "c":
            value = self._value()
            if value:
                self.budget.columns(self.column, str(self.row_number))
                self.cells[self.column] = value
        elif name == "row":
            if self.cells:
                self.ready.append([self.cells.get(i, "") for i in range(1, max(self.cells) + 1)])
            self.cells = {}
        else:
            self.content.end(name)

    def text(self, data: str) -> None:
        if self.in_value or self.content.in_t:
            self.content.add(data, self.ref or f"ligne {self.row_number}")

    def _value(self) -> str:
        raw = self.content.value()
        if self.kind == "s":
            index = _int(raw, default=-1)
            if not 0 <= index < len(self.strings):
                raise unreadable(f"la cellule {self.ref} renvoie à un texte partagé absent")
            return self.strings[index].strip()
        if self.kind == "b":
            return "true" if raw.strip() in ("1", "true") else "false"
        if self.kind in ("n", "") and raw:
            return _number(raw.strip(), as_date=self.style in self.dates, date1904=self.date1904)
        return raw.strip()  # inlineStr, str (a formula's text), e (#N/A...), d (ISO date)


def _number(raw: str, *, as_date: bool, date1904: bool) -> str:
    """A number as openpyxl would hand it to a spreadsheet's reader: a whole number without
    `.0` (a SIRET typed as a number), a date when its style says so."""
    try:
        number = float(raw)
        if as_date:
            from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

            moment = from_excel(number, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
            if isinstance(moment, dt.datetime) and moment.time() == dt.time():
                return moment.date().isoformat()
            return moment.isoformat()
        if any(c in raw for c in ".eE"):
            return str(int(number)) if number.is_integer() else str(number)
        return str(int(raw))
    except (ValueError, OverflowError):
        return raw  # not a number after all: the import's validation says so


def _column(ref: str) -> int:
    """B3 -> 2; 0 when the cell does not say (it follows the previous one)."""
    letters = ref.rstrip("0123456789")
    if not letters:
        return 0
    if len(letters) > 3 or not letters.isalpha() or not letters.isascii():
        raise unreadable(f"référence de cellule « {ref[:20]} » invalide")
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _int(text: str | None, default: int = 0) -> int:
    try:
        return int(text) if text and len(text) <= 18 else default
    except ValueError:
        return default
