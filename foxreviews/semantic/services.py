"""Writes of the vectors: the entreprises' (incremental, by id ranges, resumable) and the
trade vocabulary's. A row is embedded again only when the md5 of its model and text changed."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import structlog
from django.db import DatabaseError, connection, transaction

from foxreviews.core.bulk import copy_into_temp_table

from .embedding import Embedder, embedder, normalised, text_hash, vector_literal
from .schema import vector_tables_create
from .selectors import TRADE_WORDS_CTE, activity_vectors, semantic_unavailable

logger = structlog.get_logger(__name__)

STEP = 20_000  # entreprise ids read per statement
# how much each part weighs in an entreprise's vector (each part normalised first): what it
# does (activity, sous-catégories) speaks for a need more than its name
WEIGHTS = {"name": 0.3, "activity": 1.0, "description": 0.5}
ACTIVITY_CACHE = 50_000  # distinct activity texts kept between batches

# The text of each entreprise of an id range (its activity: the NAF label and the trade words
# of its sous-catégorie, which say what visitors need it for) and its md5 with the model's
# name, only where it differs from the stored one.
CHANGED_SQL = f"""
    WITH {TRADE_WORDS_CTE}
    SELECT id, nom, enseigne, activity, sous_categories, descriptions, fresh_hash FROM (
        SELECT e.id, e.nom, e.enseigne,
               concat_ws(E'\\n', n.libelle, w.words) AS activity,
               coalesce(p.sous_categories, '') AS sous_categories,
               coalesce(p.descriptions, '') AS descriptions, x.text_hash,
               md5(%(model)s || E'\\n' || concat_ws(E'\\n', e.nom, e.enseigne,
                   concat_ws(E'\\n', n.libelle, w.words), coalesce(p.sous_categories, ''),
                   coalesce(p.descriptions, ''))) AS fresh_hash
        FROM enterprise_entreprise e
        LEFT JOIN category_nafcode n ON n.code = e.naf_code
        LEFT JOIN trade_words w ON w.code = e.naf_code
        LEFT JOIN LATERAL (
            SELECT string_agg(DISTINCT coalesce(nullif(s.nom_public, ''), s.nom), ' ; ')
                       AS sous_categories,
                   string_agg(nullif(pl.description, ''), ' ' ORDER BY pl.id) AS descriptions
            FROM enterprise_prolocalisation pl
            JOIN category_souscategorie s ON s.id = pl.sous_categorie_id
            WHERE pl.entreprise_id = e.id
        ) p ON true
        LEFT JOIN semantic_entreprise_embedding x ON x.entreprise_id = e.id
        WHERE e.id > %(after)s AND e.id <= %(until)s
    ) t
    WHERE text_hash IS DISTINCT FROM fresh_hash
"""  # noqa: S608 (a constant: the trade words CTE)

UPSERT_SQL = """
    INSERT INTO semantic_entreprise_embedding (entreprise_id, text_hash, embedding)
    SELECT entreprise_id, text_hash, embedding::halfvec FROM semantic_batch
    ON CONFLICT (entreprise_id) DO UPDATE
    SET text_hash = EXCLUDED.text_hash, embedding = EXCLUDED.embedding
"""


@dataclass(frozen=True)
class EntrepriseText:
    id: int
    name: str  # nom and enseigne
    activity: str  # NAF label and sous-catégories
    description: str
    text_hash: str


@dataclass
class Progress:
    last_id: int  # every entreprise up to it is embedded
    max_id: int
    embedded: int  # rows written so far


class EntrepriseVectors:
    """An entreprise's vector from its parts; the activity's vector cached per distinct text
    (a few thousand NAF labels and sous-catégories for millions of rows)."""

    def __init__(self, model: Embedder) -> None:
        self.model = model
        self.activities: dict[str, np.ndarray] = {}

    def vectors(self, rows: list[EntrepriseText]) -> np.ndarray:
        names = self.model.embed([row.name for row in rows])
        descriptions = np.zeros_like(names)
        described = [i for i, row in enumerate(rows) if row.description]
        if described:
            descriptions[described] = self.model.embed([rows[i].description for i in described])
        missing = list({row.activity for row in rows if row.activity not in self.activities})
        if missing:
            if len(self.activities) + len(missing) > ACTIVITY_CACHE:
                self.activities.clear()
            self.activities.update(zip(missing, self.model.embed(missing), strict=True))
        zero = np.zeros(names.shape[1], dtype=np.float32)
        activities = np.stack([self.activities.get(row.activity, zero) for row in rows])
        mixed = (
            WEIGHTS["name"] * names
            + WEIGHTS["activity"] * activities
            + WEIGHTS["description"] * descriptions
        )
        mixed[~mixed.any(axis=1), 0] = 1.0  # nothing readable: a fixed vector, never zeros
        return normalised(mixed)


def entreprise_texts_changed(*, model: str, after: int, until: int) -> list[EntrepriseText]:
    """The entreprises with after < id ≤ until whose vector is missing or out of date."""
    with connection.cursor() as cursor:
        cursor.execute(CHANGED_SQL, {"model": model, "after": after, "until": until})
        return [
            EntrepriseText(
                id=row_id,
                name=f"{nom}\n{enseigne}",
                activity=f"{activity}\n{sous_categories}",
                description=descriptions,
                text_hash=fresh_hash,
            )
            for row_id, nom, enseigne, activity, sous_categories, descriptions, fresh_hash in (
                cursor.fetchall()
            )
        ]


def entreprise_embeddings_write(*, rows: list[EntrepriseText], vectors: np.ndarray) -> int:
    with transaction.atomic():
        copy_into_temp_table(
            table="semantic_batch",
            columns=[("entreprise_id", "bigint"), ("text_hash", "text"), ("embedding", "text")],
            rows=(
                (row.id, row.text_hash, vector_literal(vector))
                for row, vector in zip(rows, vectors, strict=True)
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute(UPSERT_SQL)
            return cursor.rowcount


def entreprise_embeddings_refresh(
    *,
    after: int = 0,
    step: int = STEP,
    on_progress: Callable[[Progress], None] | None = None,
) -> int:
    """Embed every entreprise whose text changed since its vector was made (all of them the
    first time), id range by id range from `after`; each range is committed, so a run stopped
    anywhere is resumed with after=its last reported last_id. Returns the rows written."""
    model = embedder()
    vectors = EntrepriseVectors(model)
    progress = Progress(last_id=after, max_id=_max_entreprise_id(), embedded=0)
    for until in _ranges(after, progress.max_id, step):
        rows = entreprise_texts_changed(model=model.name, after=progress.last_id, until=until)
        if rows:
            progress.embedded += entreprise_embeddings_write(
                rows=rows, vectors=vectors.vectors(rows)
            )
        progress.last_id = until
        if on_progress is not None:
            on_progress(progress)
    orphans_delete()
    return progress.embedded


def orphans_delete() -> int:
    """The vectors of entreprises and trade words deleted since (no foreign key: schema.py)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            DELETE FROM semantic_entreprise_embedding x WHERE NOT EXISTS
                (SELECT FROM enterprise_entreprise e WHERE e.id = x.entreprise_id)
            """
        )
        deleted = cursor.rowcount
        cursor.execute(
            """
            DELETE FROM semantic_motmetier_embedding x WHERE NOT EXISTS
                (SELECT FROM category_motmetier m WHERE m.id = x.mot_metier_id)
            """
        )
        return deleted + cursor.rowcount


def _ranges(after: int, max_id: int, step: int) -> Iterator[int]:
    until = after
    while until < max_id:
        until = min(until + step, max_id)
        yield until


def _max_entreprise_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM enterprise_entreprise")
        return cursor.fetchone()[0]


def trade_embeddings_refresh() -> int:
    """The trade words' vectors (a few thousand at most: all read, the changed ones written):
    each word with its sous-catégorie's names and NAF labels: static word
    vectors read "couper les cheveux" nearer to "Coiffure" than to "coiffeur" alone."""
    model = embedder()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT m.id, concat_ws(E'\n', m.terme, s.nom_public, s.nom,
                                   string_agg(n.libelle, E'\n' ORDER BY n.code)),
                   x.text_hash
            FROM category_motmetier m
            JOIN category_souscategorie s ON s.id = m.sous_categorie_id
            LEFT JOIN category_nafcode n ON n.sous_categorie_id = s.id
            LEFT JOIN semantic_motmetier_embedding x ON x.mot_metier_id = m.id
            GROUP BY m.id, s.id, x.text_hash ORDER BY m.id
            """
        )
        rows = [
            (mot_id, text, text_hash(model.name, text))
            for mot_id, text, stored in cursor.fetchall()
            if stored != text_hash(model.name, text)
        ]
    if not rows:
        return 0
    embedded = model.embed([terme for _, terme, _ in rows])
    readable = embedded.any(axis=1)  # a word of no known word has no direction: not stored
    rows = [row for row, ok in zip(rows, readable, strict=True) if ok]
    embedded = embedded[readable]
    with transaction.atomic():
        copy_into_temp_table(
            table="semantic_trade_batch",
            columns=[("mot_metier_id", "bigint"), ("text_hash", "text"), ("embedding", "text")],
            rows=(
                (mot_id, hashed, vector_literal(vector))
                for (mot_id, _, hashed), vector in zip(rows, embedded, strict=True)
            ),
        )
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO semantic_motmetier_embedding (mot_metier_id, text_hash, embedding)
                SELECT mot_metier_id, text_hash, embedding::halfvec FROM semantic_trade_batch
                ON CONFLICT (mot_metier_id) DO UPDATE
                SET text_hash = EXCLUDED.text_hash, embedding = EXCLUDED.embedding
                """
            )
            return cursor.rowcount


def vector_tables_ensure() -> bool:
    """The vector tables, created now if pgvector was installed after the migrations ran."""
    return vector_tables_create(connection)


def embedder_preload() -> bool:
    """The model loaded now when this database has vectors to search (a web worker at start:
    the first visitor's search by need does not wait seconds for it); False, loading nothing,
    when the semantic features cannot answer here or the database cannot say."""
    try:
        if semantic_unavailable() is not None:
            return False
    except DatabaseError as exc:
        logger.warning("model not preloaded: the database did not answer", error=str(exc)[:200])
        return False
    embedder()
    activity_vectors()  # the NAF activities' vectors the hybrid search reads in a place
    return True


def embedder_preload_in_background() -> threading.Thread:
    def preload() -> None:
        try:
            embedder_preload()
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=preload, name="embedder-preload", daemon=True)
    thread.start()
    return thread
