"""Reads on the taxonomy: the trade vocabulary the search reads a visitor's words with."""

from __future__ import annotations

from dataclasses import dataclass

from cachetools.func import ttl_cache
from django.contrib.postgres.aggregates import ArrayAgg

from foxreviews.core.cache import process_caches
from foxreviews.core.text import vocabulary_key

from .models import MotMetier

VOCABULARY_TTL = 60  # seconds a process keeps the vocabulary: a synonym staff add shows after


@dataclass(frozen=True)
class Trade:
    """What a trade word means: the sous-catégorie that names it (the word's first one), and
    every NAF code of every sous-catégorie the word stands for."""

    slug: str
    name: str  # the visitor-facing name, else the NAF label
    sous_categories: tuple[str, ...]  # slugs, the naming one first
    naf_codes: tuple[str, ...]


@ttl_cache(maxsize=1, ttl=VOCABULARY_TTL)
def trade_vocabulary() -> dict[str, Trade]:
    """Every trade word by its vocabulary_key() ("salon de coiffure", "auto ecole"), from this
    process's copy (one query a minute at most)."""
    return _trade_vocabulary_read()


process_caches.register(trade_vocabulary.cache_clear)


def _trade_vocabulary_read() -> dict[str, Trade]:
    rows = (
        MotMetier.objects.order_by("id")
        .values_list(
            "terme",
            "sous_categorie__slug",
            "sous_categorie__nom",
            "sous_categorie__nom_public",
        )
        .annotate(
            codes=ArrayAgg(
                "sous_categorie__naf_codes__code",
                order_by="sous_categorie__naf_codes__code",
                default=[],
            )
        )
    )
    vocabulary: dict[str, Trade] = {}
    for terme, slug, nom, nom_public, codes in rows:
        key = vocabulary_key(terme)
        codes = tuple(code for code in codes if code)
        known = vocabulary.get(key)
        if known is None:
            vocabulary[key] = Trade(slug, nom_public or nom, (slug,), codes)
        elif slug not in known.sous_categories:  # the same word for another sous-catégorie
            vocabulary[key] = Trade(
                known.slug,
                known.name,
                (*known.sous_categories, slug),
                tuple(dict.fromkeys(known.naf_codes + codes)),
            )
    return vocabulary


SPELLING_SIMILARITY = 0.5  # how alike a misspelt trade word and the vocabulary's must be


def trigrams(word: str) -> frozenset[str]:
    """A word's trigrams as pg_trgm counts them (two spaces before, one after)."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


@ttl_cache(maxsize=1, ttl=VOCABULARY_TTL)
def _one_word_trigrams() -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((key, trigrams(key)) for key in trade_vocabulary() if " " not in key)


process_caches.register(_one_word_trigrams.cache_clear)


def trade_spelt_like(word: str) -> Trade | None:
    """The one-word trade of the vocabulary spelt most like `word` ("boulangrie" →
    boulangerie, "coifure" → coiffure), by pg_trgm's similarity, when it reaches
    SPELLING_SIMILARITY; from this process's copy of the vocabulary, no query."""
    mine = trigrams(word)
    best, best_similarity = None, SPELLING_SIMILARITY
    for key, theirs in _one_word_trigrams():
        shared = len(mine & theirs)
        similarity = shared / (len(mine) + len(theirs) - shared)
        if similarity >= best_similarity and (best is None or similarity > best_similarity):
            best, best_similarity = key, similarity
    return trade_vocabulary()[best] if best is not None else None
