"""Reading an import file in constant memory: CSV or INSEE's .zip, BOM or not, as byte chunks
cut on record boundaries, so that PostgreSQL's COPY can parse them directly."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO

from foxreviews.core.exceptions import ApplicationError

BOM = b"\xef\xbb\xbf"


@dataclass
class Chunk:
    data: bytes  # complete CSV records, header excluded
    first_record: int  # 1-based number of the chunk's first record (the header is record 0)
    records: int
    end_offset: int  # bytes of the (decompressed) file consumed once this chunk is done


class SourceFile:
    """One import file. `header` is the list of column names of its first line."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        if not self.path.exists():
            raise ApplicationError(f"Fichier introuvable : {self.path}")
        if not self.path.is_file():
            raise ApplicationError(f"{self.path} est un dossier, pas un fichier.")
        self.size = self.path.stat().st_size
        self._zip: zipfile.ZipFile | None = None
        self._handle: BinaryIO | None = None
        self.offset = 0
        self.header: list[str] = []

    # -- opening ---------------------------------------------------------------------------
    def open(self) -> SourceFile:
        try:
            return self._open()
        except PermissionError as exc:
            raise ApplicationError(f"{self.path} ne peut pas être lu (permissions).") from exc
        except zipfile.BadZipFile as exc:
            raise ApplicationError(
                f"{self.path.name} est une archive zip endommagée : {exc}"
            ) from exc

    def _open(self) -> SourceFile:
        if zipfile.is_zipfile(self.path):
            self._zip = zipfile.ZipFile(self.path)
            members = [m for m in self._zip.infolist() if m.filename.lower().endswith(".csv")]
            if len(members) != 1:
                raise ApplicationError(
                    f"{self.path.name} : un seul .csv est attendu dans le zip, "
                    f"{len(members)} trouvé(s)."
                )
            self.size = members[0].file_size
            self._handle = self._zip.open(members[0])
        else:
            self._handle = open(self.path, "rb")  # noqa: SIM115 (closed by close())
        first = self._handle.readline()
        if not first:
            raise ApplicationError(f"{self.path.name} : le fichier est vide.")
        self.offset = len(first)
        if first.startswith(BOM):
            first = first[len(BOM) :]
        try:
            text = first.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApplicationError(
                f"{self.path.name} : l'en-tête n'est pas en UTF-8 (octet {exc.start}) ; "
                "les fichiers stock de l'INSEE sont en UTF-8, réexportez le fichier en UTF-8."
            ) from exc
        self.header = [name.strip() for name in next(csv.reader([text]))]
        return self

    def close(self) -> None:
        if self._handle:
            self._handle.close()
        if self._zip:
            self._zip.close()

    def __enter__(self) -> SourceFile:
        return self.open()

    def __exit__(self, *exc) -> None:
        self.close()

    def key(self) -> str:
        """Identifies the file for resuming: its name, size and first and last megabyte."""
        digest = hashlib.sha256(f"{self.path.name}:{self.path.stat().st_size}".encode())
        with open(self.path, "rb") as raw:
            digest.update(raw.read(1 << 20))
            raw.seek(max(0, self.path.stat().st_size - (1 << 20)))
            digest.update(raw.read())
        return digest.hexdigest()

    # -- reading ---------------------------------------------------------------------------
    def skip_records(self, count: int) -> int:
        """Skip `count` records; returns how many were actually skipped."""
        skipped = 0
        while skipped < count:
            chunk = self._read_records(min(count - skipped, 100_000))
            if chunk is None:
                break
            skipped += chunk[1]
        return skipped

    def seek_offset(self, offset: int) -> None:
        """Resume at a byte offset recorded by a checkpoint (a record boundary)."""
        if self._zip is None:
            self._handle.seek(offset)
        else:  # a zip member cannot seek: read up to it
            remaining = offset - self.offset
            while remaining > 0:
                remaining -= len(self._handle.read(min(remaining, 1 << 24)))
        self.offset = offset

    def chunks(self, *, records: int, first_record: int = 1, limit: int | None = None):
        """Yield Chunks of at most `records` records, `limit` records in all."""
        number, emitted = first_record, 0
        while limit is None or emitted < limit:
            want = records if limit is None else min(records, limit - emitted)
            read = self._read_records(want)
            if read is None:
                return
            data, count = read
            yield Chunk(data=data, first_record=number, records=count, end_offset=self.offset)
            number += count
            emitted += count

    def _read_records(self, count: int) -> tuple[bytes, int] | None:
        lines = list(islice(self._handle, count))
        if not lines:
            return None
        data = b"".join(lines)
        records = len(lines)
        if b'"' in data:
            while data.count(b'"') % 2:  # a quoted field holds a line break: read on
                more = self._handle.readline()
                if not more:
                    break  # truncated inside quotes: COPY reports that record
                data += more
            records = _count_records(data)
        self.offset += len(data)
        if not data.endswith(b"\n"):
            data += b"\n"  # a last line without its line break
        return data, records


def _count_records(data: bytes) -> int:
    """Records in a block of CSV, line breaks inside quoted fields not counted."""
    records, in_quotes = 0, False
    for line in io.BytesIO(data):
        if line.count(b'"') % 2:
            in_quotes = not in_quotes
        if not in_quotes:
            records += 1
    return records


def iter_chunk_rows(chunk: Chunk) -> Iterator[tuple[int, list[str] | None]]:
    """Parse a chunk in Python (the slow path after COPY refused it): (record number, fields or
    None when the record cannot be decoded)."""
    number = chunk.first_record
    try:
        text = chunk.data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is None:
        for raw in chunk.data.split(b"\n")[: chunk.records]:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None
            else:
                yield number, next(csv.reader([line]), [])
            number += 1
        return
    for fields in csv.reader(io.StringIO(text, newline="")):
        yield number, fields
        number += 1
