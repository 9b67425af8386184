"""Writes on avis, and the ratings they make."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection


def prolocalisation_ratings_refresh(*, prolocalisation_ids: Iterable[int] | None = None) -> int:
    """Recompute note_moyenne and nombre_avis from approved avis, set-based; returns rows changed.

    With no ids, every ProLocalisation that has avis or a stale rating is refreshed.
    """
    ids = list(prolocalisation_ids) if prolocalisation_ids is not None else None
    where = "AND p.id = ANY(%s)" if ids is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH stats AS (
                SELECT p.id,
                       round(avg(a.note) FILTER (WHERE a.statut = 'approved'), 2) AS note,
                       count(a.id) FILTER (WHERE a.statut = 'approved') AS n
                FROM enterprise_prolocalisation p
                LEFT JOIN reviews_avis a ON a.prolocalisation_id = p.id
                WHERE (p.nombre_avis > 0 OR a.id IS NOT NULL) {where}
                GROUP BY p.id
            )
            UPDATE enterprise_prolocalisation p
            SET note_moyenne = stats.note, nombre_avis = stats.n, updated_at = now()
            FROM stats
            WHERE p.id = stats.id
              AND (p.note_moyenne, p.nombre_avis) IS DISTINCT FROM (stats.note, stats.n)
            """,  # noqa: S608 (`where` is one of two constants; the ids go as a parameter)
            [ids] if ids is not None else [],
        )
        return cursor.rowcount
