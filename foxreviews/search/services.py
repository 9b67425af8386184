"""Writes of the search: its word list, kept current by every load (the words its new rows
bring) and recounted every night (exact counts, unused words removed)."""

from collections.abc import Sequence

from django.db import connection

# The new words of `{rows}` (any relation with nom and enseigne columns: a load's written rows)
# added to the list; a word already there is left as it is (its count waits for the recount).
# In word order: two loads adding the same words wait for each other, never deadlock.
ADD_WORDS_SQL = """
    INSERT INTO search_word (word, ndoc)
    SELECT w.word, count(*) FROM {rows} r
    CROSS JOIN LATERAL foxreviews_name_words(r.nom, r.enseigne) AS w(word)
    GROUP BY w.word ORDER BY w.word
    ON CONFLICT (word) DO NOTHING
"""

# One statement, so one snapshot: a word a load adds meanwhile is neither counted nor removed.
RECOUNT_SQL = """
    WITH fresh AS (
        SELECT w.word, count(*) AS ndoc FROM enterprise_entreprise e
        CROSS JOIN LATERAL foxreviews_name_words(e.nom, e.enseigne) AS w(word)
        GROUP BY w.word
    ),
    unused AS (
        DELETE FROM search_word s WHERE NOT EXISTS (SELECT FROM fresh f WHERE f.word = s.word)
    )
    INSERT INTO search_word (word, ndoc)
    SELECT word, ndoc FROM fresh ORDER BY word
    ON CONFLICT (word) DO UPDATE SET ndoc = EXCLUDED.ndoc
    WHERE search_word.ndoc IS DISTINCT FROM EXCLUDED.ndoc
"""


def search_words_add(*, entreprise_ids: Sequence[int]) -> None:
    """Add the words of these entreprises' names that the list lacks: typos find them at once."""
    if not entreprise_ids:
        return
    rows = "(SELECT nom, enseigne FROM enterprise_entreprise WHERE id = ANY(%s))"
    with connection.cursor() as cursor:
        cursor.execute(ADD_WORDS_SQL.format(rows=rows), [list(entreprise_ids)])


def search_words_refresh() -> None:
    """Recount the word list from every entreprise (nightly, and after a first load): exact
    counts, the words no name uses any more removed. Readers keep searching meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(RECOUNT_SQL)
