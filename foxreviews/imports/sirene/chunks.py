"""One chunk of records on its way to the directory: staged by COPY and classified
(`prepare_chunk`), then upserted (`write_prepared`), the path every import writes through."""

from __future__ import annotations

from dataclasses import dataclass, field

import psycopg
from django.db import connection, transaction
from psycopg import sql

from foxreviews.core.exceptions import ApplicationError
from foxreviews.enterprise.validators import siret_error

from . import writer
from .formats import Format, staging_columns
from .rejects import RejectedRow
from .source import Chunk, iter_chunk_rows

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
    malformed: list[RejectedRow] = field(default_factory=list)


def load_transaction_settings() -> None:
    """For the current transaction only (SET LOCAL): the connection goes back as it came."""
    with connection.cursor() as cursor:
        # a lost commit loses its chunk and that chunk's checkpoint together: still exact
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL work_mem = '256MB'")


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


def write_prepared(
    prepared: Prepared, *, dry_run: bool, only_active: bool, add_words: bool = True
) -> tuple[dict[str, int], list[RejectedRow]]:
    """Upsert one prepared chunk, inside the caller's transaction; drops its tables (a dry run
    leaves them to be dropped after its rollback). Returns the writer's counts and the chunk's
    rejected rows in file order."""
    tables = prepared.tables
    if dry_run:
        counts = writer.dry_run(tables, only_active=only_active)
    else:
        counts = writer.write(tables, only_active=only_active, add_words=add_words)
    rejected = [
        RejectedRow(record, siret, reason, _detail(reason, siret))
        for record, siret, reason in writer.rejected_rows(tables)
    ]
    counts["rejected"] += len(prepared.malformed)
    if not dry_run:
        writer.drop_chunk_tables(tables)
    return counts, sorted(prepared.malformed + rejected)


def _detail(reason: str, siret: str) -> str:
    if reason == "siret_invalide":
        return siret_error(siret) or ""
    return ""


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


def _copy_parsed(tables: writer.ChunkTables, header: list[str], chunk: Chunk) -> list[RejectedRow]:
    """The slow path: parse in Python, COPY the good records, report the bad ones."""
    malformed = []
    statement = sql.SQL("COPY {table} ({columns}, _rec) FROM STDIN").format(
        table=sql.Identifier(tables.staging), columns=staging_columns(len(header))
    )
    position = header.index("siret")
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for number, fields in iter_chunk_rows(chunk):
            if fields is None:
                raise ApplicationError(
                    f"la ligne {number + 1} n'est pas en UTF-8 : les fichiers de l'INSEE sont en "
                    "UTF-8 ; réexportez le fichier en UTF-8 (rien de ce lot n'a été écrit)."
                )
            siret = fields[position][:20].replace("\x00", "") if len(fields) > position else ""
            if len(fields) != len(header):
                detail = f"{len(fields)} columns instead of {len(header)}"
                malformed.append(RejectedRow(number, siret, "ligne_malformee", detail))
            elif any("\x00" in value for value in fields):  # PostgreSQL text cannot hold NUL
                malformed.append(RejectedRow(number, siret, "ligne_malformee", "NUL byte"))
            else:
                copy.write_row([*fields, number])
    return malformed
