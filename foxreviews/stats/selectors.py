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


def categories() -> dict:
    """Every catégorie with its sous-catégories and their NAF sous-classes, in the taxonomy's
    order, with the open entreprises of each as of the last recount (0 for a sous-catégorie
    created since): one query over the taxonomy and two small views."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT refreshed_at FROM stats_totals),
                   coalesce(json_agg(json_build_object(
                       'slug', c.slug, 'nom', c.nom, 'description', c.description,
                       'entreprises_actives', coalesce(sc.actives, 0),
                       'sous_categories', (
                           SELECT coalesce(json_agg(json_build_object(
                               'slug', s.slug, 'nom', s.nom,
                               'nom_public', coalesce(nullif(s.nom_public, ''), s.nom),
                               'description', s.description,
                               'entreprises_actives', coalesce(ss.actives, 0),
                               'naf_codes', (
                                   SELECT coalesce(json_agg(json_build_object(
                                       'code', n.code, 'libelle', n.libelle) ORDER BY n.code),
                                       '[]')
                                   FROM category_nafcode n WHERE n.sous_categorie_id = s.id))
                               ORDER BY s.nom, s.id), '[]')
                           FROM category_souscategorie s
                           LEFT JOIN stats_souscategorie ss ON ss.sous_categorie_id = s.id
                           WHERE s.categorie_id = c.id))
                       ORDER BY c.ordre, c.nom), '[]')
            FROM category_categorie c
            LEFT JOIN stats_categorie sc ON sc.categorie_id = c.id
            """
        )
        refreshed_at, results = cursor.fetchone()
    return {"refreshed_at": refreshed_at, "results": results}
