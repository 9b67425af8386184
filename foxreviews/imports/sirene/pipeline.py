"""The preparing half of the bulk import, on its own thread and database connection.

While the writing connection upserts chunk N, this one COPYs chunk N+1 into its UNLOGGED
staging table and classifies it: the two PostgreSQL backends use the machine's two cores.
"""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.db import connection, transaction
from psycopg import sql

from foxreviews.core.exceptions import ApplicationError

from . import writer
from .formats import Format, staging_columns
from .source import Chunk, iter_chunk_rows
from .unites_legales import load_unites_legales

COPY_ERRORS = (
    psycopg.errors.DataError,
    psycopg.errors.BadCopyFileFormat,
    psycopg.errors.CharacterNotInRepertoire,
    psycopg.errors.UntranslatableCharacter,
)


@dataclass
class Prepared:
    chunk: Chunk
    tables: writer.ChunkTables
    malformed: list[tuple[int, str, str, str]] = field(default_factory=list)


def load_transaction_settings() -> None:
    """For the current transaction only (SET LOCAL): the connection goes back as it came."""
    with connection.cursor() as cursor:
        # a lost commit loses its chunk and that chunk's checkpoint together: still exact
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")


class Preparer(threading.Thread):
    """Yields Prepared chunks through `ready`, at most `ahead` chunks ahead of the writer."""

    def __init__(
        self,
        chunks: Iterator[Chunk],
        *,
        header: list[str],
        fmt: Format,
        unites_legales: Path | None,
        ahead: int = 1,
    ) -> None:
        super().__init__(name="sirene-preparer", daemon=True)
        self.chunks = chunks
        self.header = header
        self.fmt = fmt
        self.unites_legales = unites_legales
        self.ready: queue.Queue = queue.Queue(maxsize=ahead)
        self.stopping = threading.Event()
        self.run_token = uuid.uuid4().hex[:8]

    def run(self) -> None:
        try:
            writer.drop_leftover_work_tables()  # committed here, whatever the writer's state
            if self.unites_legales:
                load_unites_legales(self.unites_legales)
            for number, chunk in enumerate(self.chunks):
                if self.stopping.is_set():
                    return
                self._put(self._prepare(number, chunk))
            self._put(None)
        except BaseException as exc:  # handed to the writer, which re-raises it
            self._put(exc)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        while True:  # unblock a put() waiting for room
            try:
                self.ready.get_nowait()
            except queue.Empty:
                break
        self.join(timeout=30)

    def _put(self, item) -> None:
        while not self.stopping.is_set():
            try:
                self.ready.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _prepare(self, number: int, chunk: Chunk) -> Prepared:
        with transaction.atomic():
            load_transaction_settings()
            return prepare_chunk(
                writer.ChunkTables(self.run_token, number),
                chunk,
                header=self.header,
                fmt=self.fmt,
                with_unites_legales=bool(self.unites_legales),
            )


def prepare_chunk(
    tables: writer.ChunkTables,
    chunk: Chunk,
    *,
    header: list[str],
    fmt: Format,
    with_unites_legales: bool = False,
) -> Prepared:
    """Stage and classify one chunk on the current connection, in the caller's transaction."""
    prepared = Prepared(chunk=chunk, tables=tables)
    writer.create_staging(tables, len(header), chunk.first_record)
    try:
        with transaction.atomic():  # a savepoint: COPY may refuse the raw bytes
            _copy_raw(tables, header, chunk)
    except (*COPY_ERRORS, _RecordsMismatch):
        prepared.malformed = _copy_parsed(tables, header, chunk)
    writer.classify(fmt, tables, with_unites_legales=with_unites_legales)
    return prepared


class _RecordsMismatch(Exception):
    """COPY stored another number of rows than the chunk holds records."""


def _copy_raw(tables: writer.ChunkTables, header: list[str], chunk: Chunk) -> None:
    """COPY the chunk's bytes as they are. PostgreSQL must store exactly one row per record:
    a line holding only `\\.` (COPY's end-of-data marker) or quotes that PostgreSQL and
    Python's csv read differently would otherwise lose or merge rows without an error."""
    statement = sql.SQL(
        "COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, ENCODING 'UTF8')"
    ).format(table=sql.Identifier(tables.staging), columns=staging_columns(len(header)))
    with connection.cursor() as cursor:
        with cursor.cursor.copy(statement) as copy:
            copy.write(chunk.data)
        if cursor.cursor.rowcount != chunk.records:
            raise _RecordsMismatch


def _copy_parsed(tables: writer.ChunkTables, header: list[str], chunk: Chunk):
    """The slow path: parse in Python, COPY the good records, report the bad ones."""
    malformed = []
    statement = sql.SQL("COPY {table} ({columns}, _rec) FROM STDIN").format(
        table=sql.Identifier(tables.staging), columns=staging_columns(len(header))
    )
    position = header.index("siret")
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for number, fields, _raw in iter_chunk_rows(chunk):
            if fields is None:
                raise ApplicationError(
                    f"line {number + 1} is not UTF-8: INSEE's files are UTF-8; re-export the "
                    "file as UTF-8 (nothing from this chunk was written)."
                )
            siret = fields[position][:20].replace("\x00", "") if len(fields) > position else ""
            if len(fields) != len(header):
                detail = f"{len(fields)} columns instead of {len(header)}"
                malformed.append((number, siret, "ligne_malformee", detail))
            elif any("\x00" in value for value in fields):  # PostgreSQL text cannot hold NUL
                malformed.append((number, siret, "ligne_malformee", "NUL byte"))
            else:
                copy.write_row([*fields, number])
    return malformed
