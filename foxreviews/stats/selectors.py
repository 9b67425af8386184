"""Reads of the statistics, from the materialized views only (no COUNT over the directory)."""

from __future__ import annotations

from django.db import connection

from foxreviews.core.cache import TwoLevelCache, json_bytes

# the figures change only when the views are recounted (statistics_refresh clears this)
rendered = TwoLevelCache("stats:", local_ttl=10, shared_ttl=24 * 3600, size=1)


def statistics() -> dict:
    """Totals, per département and per catégorie, as of the last refresh: reads of three small
    views in one round trip (stats_totals always holds its one row)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT t.entreprises, t.actives, t.villes, t.departements, t.regions,
                   t.refreshed_at,
                   (SELECT coalesce(json_agg(json_build_object(
                        'code', d.code, 'nom', ld.nom,
                        'entreprises', d.entreprises, 'actives', d.actives) ORDER BY d.code), '[]')
                    FROM stats_departement d
                    LEFT JOIN location_departement ld ON ld.code = d.code),
                   (SELECT coalesce(json_agg(json_build_object(
                        'slug', c.slug, 'nom', c.nom,
                        'entreprises', s.entreprises, 'actives', s.actives)
                        ORDER BY c.ordre, c.nom), '[]')
                    FROM stats_categorie s JOIN category_categorie c ON c.id = s.categorie_id)
            FROM stats_totals t
            """
        )
        row = cursor.fetchone()
    keys = ("entreprises", "entreprises_actives", "villes", "departements", "regions",
            "refreshed_at", "par_departement", "par_categorie")  # fmt: skip
    return dict(zip(keys, row, strict=True))


def statistics_json() -> bytes:
    """The statistics as the API sends them, from a cache: a recount clears it."""
    return rendered.get_or_compute("all", lambda: json_bytes(statistics()))
