"""The search's word list: the words of the directory's names, for typo-tolerant search."""

from django.contrib.postgres.indexes import GinIndex
from django.db import models


class SearchWord(models.Model):
    """A word of some entreprise's nom or enseigne (unaccented, lower-case, not stemmed, three
    letters or more, no digit), with the number of entreprises using it when last counted.
    Loads add their new words at once; the nightly recount removes the unused ones."""

    word = models.TextField(primary_key=True)
    ndoc = models.IntegerField()

    class Meta:
        db_table = "search_word"
        indexes = [
            # the words spelt like a query's word ("boulangrie" → "boulangerie")
            GinIndex(fields=["word"], name="search_word_trgm", opclasses=["gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.word
