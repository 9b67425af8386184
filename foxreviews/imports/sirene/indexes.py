"""Secondary indexes and foreign keys of the directory tables: dropped before a first load
into empty tables and rebuilt once at the end (far faster than maintaining them row by row).

The load's own SQL guarantees what the foreign keys check (ville, sous-catégorie and entreprise
ids come from joins on those tables), and re-adding them validates every row in one pass."""

from __future__ import annotations

import contextlib
import queue
import threading

from django.db import DatabaseError, connection

from .lock import hold_index_build_lock, identify_connection

TABLES = ("enterprise_entreprise", "enterprise_prolocalisation")


def secondary_indexes() -> list[dict[str, str]]:
    """Indexes that back no primary key or unique constraint (those upserts need)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                              WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))
            ORDER BY i.indexname
            """,
            [list(TABLES)],
        )
        return [{"name": name, "definition": definition} for name, definition in cursor.fetchall()]


def tables_are_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM enterprise_entreprise) "
            "AND NOT EXISTS (SELECT 1 FROM enterprise_prolocalisation)"
        )
        return cursor.fetchone()[0]


def drop(indexes: list[dict[str, str]]) -> None:
    with connection.cursor() as cursor:
        for index in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{index["name"]}"')


def rebuild(indexes: list[dict[str, str]], *, connections_count: int = 2) -> None:
    """Create the dropped indexes again (each only if still missing), then ANALYZE.

    Outside a transaction, `connections_count` connections build them side by side (one
    index at a time each, biggest first); inside one (tests), the others could not see the
    table, so this connection builds them all."""
    existing = {index["name"] for index in secondary_indexes()}
    missing = [index for index in indexes if index["name"] not in existing]
    missing.sort(key=lambda index: ("gin" not in index["definition"].lower(), index["name"]))
    if connection.in_atomic_block or connections_count < 2:
        _build(missing)
    else:
        pending = queue.Queue()
        for index in missing:
            pending.put(index)
        errors: list[BaseException] = []
        workers = [
            threading.Thread(target=_build_from, args=(pending, errors))
            for _ in range(connections_count)
        ]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        if errors:
            raise errors[0]
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")


def _build(indexes: list[dict[str, str]]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        try:
            for index in indexes:
                cursor.execute(index["definition"])
        finally:
            with contextlib.suppress(DatabaseError):  # after an error, the error matters
                cursor.execute("RESET maintenance_work_mem")


def _build_from(pending: queue.Queue, errors: list) -> None:
    try:
        identify_connection()
        hold_index_build_lock()  # a rerun after a kill waits for this build to end
        while True:
            try:
                index = pending.get_nowait()
            except queue.Empty:
                return
            _build([index])
    except BaseException as exc:
        errors.append(exc)
    finally:
        connection.close()


def foreign_keys() -> list[dict[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid)
            FROM pg_constraint
            WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)
            ORDER BY conname
            """,
            [list(TABLES)],
        )
        return [
            {"name": name, "table": table, "definition": definition}
            for name, table, definition in cursor.fetchall()
        ]


def drop_foreign_keys(keys: list[dict[str, str]]) -> None:
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute(f'ALTER TABLE {key["table"]} DROP CONSTRAINT IF EXISTS "{key["name"]}"')


def restore_foreign_keys(keys: list[dict[str, str]]) -> None:
    """Add the foreign keys back (each only if missing) and validate every row set-based; a
    key a killed run added but did not validate is validated now."""
    validated = _validated_foreign_keys()
    with connection.cursor() as cursor:
        for key in keys:
            if key["name"] not in validated:
                cursor.execute(
                    f'ALTER TABLE {key["table"]} ADD CONSTRAINT "{key["name"]}" '
                    f"{key['definition']} NOT VALID"
                )
            if not validated.get(key["name"]):
                cursor.execute(f'ALTER TABLE {key["table"]} VALIDATE CONSTRAINT "{key["name"]}"')


def _validated_foreign_keys() -> dict[str, bool]:
    """Name → validated, for the foreign keys of TABLES that exist."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, convalidated FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)",
            [list(TABLES)],
        )
        return dict(cursor.fetchall())
