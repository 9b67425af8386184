"""Secondary indexes of the directory tables: dropped before a first load into empty tables
and rebuilt once at the end (far faster than maintaining them row by row)."""

from __future__ import annotations

from django.db import connection

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


def rebuild(indexes: list[dict[str, str]]) -> None:
    """Create the dropped indexes again (each only if still missing), then ANALYZE."""
    existing = {index["name"] for index in secondary_indexes()}
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute("SET max_parallel_maintenance_workers = 2")
        for index in indexes:
            if index["name"] not in existing:
                cursor.execute(index["definition"])
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
