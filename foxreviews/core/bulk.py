"""Set-based writes: COPY rows into a temporary table, then one INSERT ... ON CONFLICT."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection


def copy_into_temp_table(*, table: str, columns: Sequence[tuple[str, str]], rows: Iterable) -> int:
    """Create `table` (dropped at commit) with (name, type) columns and COPY `rows` into it."""
    definition = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    names = ", ".join(name for name, _ in columns)
    count = 0
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{table}")  # a second load, same transaction
        cursor.execute(f"CREATE TEMP TABLE {table} ({definition}) ON COMMIT DROP")
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def upsert_counts(sql: str, params: Sequence | None = None) -> dict[str, int]:
    """Run an `INSERT ... RETURNING (xmax = 0) AS created` and count created / updated rows."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH written AS ({sql}) "  # noqa: S608 (the caller's constant SQL; values are params)
            "SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) "
            "FROM written",
            params,
        )
        created, updated = cursor.fetchone()
    return {"created": created, "updated": updated}
