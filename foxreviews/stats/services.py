"""Writes of the statistics: recompute the materialized views."""

from django.db import connection

from .selectors import rendered

# in dependency order: the totals read the per-département figures, the catégories' sum their
# sous-catégories'
VIEWS = ("stats_departement", "stats_souscategorie", "stats_categorie", "stats_totals")


def statistics_refresh() -> None:
    """Recount everything; readers see the previous figures until each view is ready, then
    the cached answer is dropped (other web processes drop theirs within 10 s)."""
    with connection.cursor() as cursor:
        for name in VIEWS:
            cursor.execute(f"REFRESH MATERIALIZED VIEW CONCURRENTLY {name}")
    rendered.clear()
