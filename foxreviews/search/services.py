"""Writes of the search: its word list."""

from django.db import connection


def search_words_refresh() -> None:
    """Recompute the directory's word list (typo-tolerant search) from the entreprises; readers
    keep the old list until the new one is ready (CONCURRENTLY)."""
    with connection.cursor() as cursor:
        cursor.execute("REFRESH MATERIALIZED VIEW CONCURRENTLY search_word")
