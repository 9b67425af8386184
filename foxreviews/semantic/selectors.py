"""Reads on the vectors: whether they can be used, the trade words nearest to a need, the
entreprises nearest to a vector, and an entreprise's similar pros."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from cachetools.func import ttl_cache
from django.db import connection, transaction
from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet, Subquery
from pgvector import HalfVector
from pgvector.django import CosineDistance

from foxreviews.category.models import NafCode
from foxreviews.category.selectors import VOCABULARY_TTL, Trade, trade_vocabulary
from foxreviews.core.cache import process_caches
from foxreviews.core.text import vocabulary_key
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.selectors import entreprise_list
from foxreviews.location.models import Ville

from .embedding import embedder, normalised
from .models import EntrepriseEmbedding, MotMetierEmbedding

AVAILABILITY_TTL = 60  # seconds a process trusts what it found about the vector tables
TRADE_MIN_SIMILARITY = 0.2  # cosine a trade word needs to be read in a need
TRADE_MARGIN = 0.05  # and no further than this from the nearest one
ACTIVITIES_NEAR = 40  # NAF codes whose entreprises a place's nearest to a need are read from
NO_EXTENSION = (
    "La recherche sémantique demande l'extension PostgreSQL pgvector (0.7 ou plus récente), "
    "absente de cette base."
)
NO_VECTORS = (
    "Les vecteurs des entreprises ne sont pas encore calculés (manage.py embed_entreprises)."
)


@ttl_cache(maxsize=1, ttl=AVAILABILITY_TTL)
def _vector_state() -> tuple[bool, bool]:
    """(the tables exist, some entreprise has a vector): one query (schema.py's function)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tables, vectors FROM semantic_vector_state()")
        return cursor.fetchone()


process_caches.register(_vector_state.cache_clear)


def semantic_unavailable(*, need_vectors: bool = True) -> str | None:
    """Why the semantic features cannot answer here (in French, for the 503), or None."""
    tables, vectors = _vector_state()
    if not tables:
        return NO_EXTENSION
    if need_vectors and not vectors:
        return NO_VECTORS
    return None


@dataclass(frozen=True)
class TradeMatch:
    trade: Trade
    similarity: float


@ttl_cache(maxsize=1, ttl=AVAILABILITY_TTL)
def _trade_vectors() -> tuple[tuple[Trade, ...], np.ndarray]:
    """Each trade's centroid: the mean of its words' vectors (a trade's several words, "coiffeur",
    "coiffure", "salon de coiffure", speak for it better together than one by one)."""
    rows = MotMetierEmbedding.objects.values_list("mot_metier__terme", "embedding")
    vocabulary = trade_vocabulary()
    by_trade: dict[str, list[np.ndarray]] = {}
    trades: dict[str, Trade] = {}
    for terme, vector in rows:
        trade = vocabulary.get(vocabulary_key(terme))
        if trade is not None:
            trades[trade.slug] = trade
            by_trade.setdefault(trade.slug, []).append(np.asarray(vector, dtype=np.float32))
    if not by_trade:
        return (), np.zeros((0, 1), dtype=np.float32)
    slugs = sorted(by_trade)
    matrix = normalised(np.stack([np.mean(by_trade[slug], axis=0) for slug in slugs]))
    return tuple(trades[slug] for slug in slugs), matrix


process_caches.register(_trade_vectors.cache_clear)


def trades_near(vector: np.ndarray, *, limit: int = 3) -> list[TradeMatch]:
    """The trades nearest to a need's vector (cosine of their centroid ≥ TRADE_MIN_SIMILARITY,
    within TRADE_MARGIN of the nearest), nearest first; from this process's copy."""
    trades, matrix = _trade_vectors()
    if not trades:
        return []
    similarities = matrix @ vector
    order = np.argsort(-similarities)
    floor = max(TRADE_MIN_SIMILARITY, float(similarities[order[0]]) - TRADE_MARGIN)
    return [
        TradeMatch(trades[i], float(similarities[i]))
        for i in order[:limit]
        if similarities[i] >= floor
    ]


# the words visitors use for each NAF code's sous-catégorie: part of an entreprise's activity
# text (services.CHANGED_SQL) and of each NAF code's (ACTIVITY_SQL)
TRADE_WORDS_CTE = """
    trade_words AS (
        SELECT n.code, string_agg(m.terme, ' ; ' ORDER BY m.terme) AS words
        FROM category_nafcode n
        JOIN category_motmetier m ON m.sous_categorie_id = n.sous_categorie_id
        GROUP BY n.code
    )
"""
ACTIVITY_SQL = f"""
    WITH {TRADE_WORDS_CTE}
    SELECT n.code,
           concat_ws(E'\\n', n.libelle, w.words, coalesce(nullif(s.nom_public, ''), s.nom))
    FROM category_nafcode n
    LEFT JOIN trade_words w ON w.code = n.code
    LEFT JOIN category_souscategorie s ON s.id = n.sous_categorie_id
    ORDER BY n.code
"""  # noqa: S608 (a constant: the trade words CTE)


@ttl_cache(maxsize=1, ttl=VOCABULARY_TTL)
def activity_vectors() -> tuple[tuple[str, ...], np.ndarray]:
    """Each NAF code's activity as an entreprise's vector holds it (its label, the trade words
    and the name of its sous-catégorie: services.CHANGED_SQL), read once a minute at most and
    embedded again only when a text changed (732 short texts)."""
    with connection.cursor() as cursor:
        cursor.execute(ACTIVITY_SQL)
        rows = cursor.fetchall()
    if not rows:
        return (), np.zeros((0, 1), dtype=np.float32)
    return tuple(code for code, _ in rows), _embedded(tuple(text for _, text in rows))


@functools.lru_cache(maxsize=1)
def _embedded(texts: tuple[str, ...]) -> np.ndarray:
    return embedder().embed(list(texts))


process_caches.register(activity_vectors.cache_clear)


def naf_codes_near(vector: np.ndarray, *, limit: int = ACTIVITIES_NEAR) -> list[str]:
    """The NAF codes whose activity is nearest to a need's vector, nearest first: a place's
    entreprises nearest to the need are nearly all of these (an entreprise's vector is mostly
    its activity)."""
    codes, matrix = activity_vectors()
    if not codes:
        return []
    return [codes[i] for i in np.argsort(-(matrix @ vector))[:limit]]


def entreprise_ids_near(
    vector: np.ndarray, *, within: QuerySet[Entreprise], limit: int
) -> list[int]:
    """The ids of the entreprises of `within` nearest to `vector`, nearest first (the HNSW
    index nationwide, scanned on until `limit` rows pass the filters; an exact scan when the
    planner finds `within` small, a place)."""
    nearest = (
        EntrepriseEmbedding.objects.filter(entreprise__in=within.order_by().values("id"))
        .order_by(CosineDistance("embedding", HalfVector(vector.tolist())))
        .values_list("entreprise_id", flat=True)[:limit]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # without it, the index hands over its first ef_search rows and the filters may keep
        # none of them (pgvector 0.8's iterative scan; strict: in distance order)
        cursor.execute("SET LOCAL hnsw.iterative_scan = strict_order")
        return list(nearest)


@ttl_cache(maxsize=1, ttl=AVAILABILITY_TTL)
def _naf_codes() -> tuple[dict[str, int | None], dict[int, tuple[str, ...]]]:
    """Every NAF code's sous-catégorie, and every sous-catégorie's codes (732 rows)."""
    rows = list(NafCode.objects.values_list("code", "sous_categorie_id"))
    by_sous_categorie: dict[int, list[str]] = {}
    for code, sous_categorie in rows:
        if sous_categorie is not None:
            by_sous_categorie.setdefault(sous_categorie, []).append(code)
    return dict(rows), {key: tuple(codes) for key, codes in by_sous_categorie.items()}


process_caches.register(_naf_codes.cache_clear)


def related_naf_codes(naf: str) -> list[str]:
    """A NAF code, the codes of its class ("43.22A" → 43.22B) and of its sous-catégorie."""
    sous_categorie_of, codes_of = _naf_codes()
    related = {naf, *(code for code in sous_categorie_of if naf and code[:5] == naf[:5])}
    related.update(codes_of.get(sous_categorie_of.get(naf), ()))
    return sorted(related)


SIMILAR_CANDIDATES = 1000  # per circle (the ville, the département), read from the index


def entreprise_similaires(*, entreprise: Entreprise, limit: int) -> QuerySet[Entreprise]:
    """Open entreprises like `entreprise` (its ville loaded): of its activity (its NAF code,
    its NAF class's, or any of its sous-catégorie's) in its ville first, then in its
    département, each circle by cosine distance of their vectors (name, activity,
    description), those without a vector last; never itself. Rows of entreprise_list() with
    `same_ville` and `similarity` (null without a vector). One query ranks the ville's
    candidates (at most SIMILAR_CANDIDATES, read from the (ville, naf_code) index) by their
    vectors, ids only; a second the département's, only when the ville's do not fill `limit`
    rows; then the chosen rows are read (the entreprise list's joins for ten rows, not for a
    thousand candidates); the NAF codes from this process's copy."""
    open_others = Entreprise.objects.filter(
        naf_code__in=related_naf_codes(entreprise.naf_code),  # a list: an index condition
        etat_administratif=Entreprise.Etat.ACTIVE,
    ).exclude(pk=entreprise.pk)
    mine = Subquery(EntrepriseEmbedding.objects.filter(pk=entreprise.pk).values("embedding"))
    chosen: list[int] = []
    circles = (
        open_others.filter(ville_id=entreprise.ville_id),
        open_others.filter(
            ville_id__in=Ville.objects.filter(departement_id=entreprise.ville.departement_id)
            .order_by()
            .values("id")
        ),
    )
    for circle in circles:
        if len(chosen) >= limit:
            break
        candidates = circle.exclude(pk__in=chosen).order_by().values("id")[:SIMILAR_CANDIDATES]
        chosen += (
            Entreprise.objects.filter(pk__in=candidates)
            .order_by(CosineDistance("embedding__embedding", mine).asc(nulls_last=True), "pk")
            .values_list("pk", flat=True)[: limit - len(chosen)]
        )
    return (
        entreprise_list()
        .filter(id__in=chosen)
        .annotate(
            same_ville=ExpressionWrapper(
                Q(ville_id=entreprise.ville_id), output_field=BooleanField()
            ),
            similarity=1 - CosineDistance("embedding__embedding", mine),
        )
        .order_by("-same_ville", F("similarity").desc(nulls_last=True), "id")
    )
