"""Writes of the search: its word list."""

from django.db import connection


def search_words_refresh(*, concurrently: bool = True) -> None:
    """Recompute the directory's word list (typo-tolerant search) from the entreprises.
    CONCURRENTLY, readers keep the old list until the new one is ready; without it (after a
    first load, when nobody searched yet), the list is rebuilt faster but locked meanwhile."""
    with connection.cursor() as cursor:
        if concurrently:
            cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY search_word")
        else:
            cursor.execute("REFRESH MATERIALIZED VIEW search_word")
