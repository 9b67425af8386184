"""The vector tables, created where PostgreSQL offers pgvector with halfvec (0.7 or newer).

Called by migration 0001 and again by `embed_entreprises`: a database that gains the
extension after migrating gets its tables then. Each statement is idempotent."""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

MIN_VERSION = (0, 7)  # halfvec, and HNSW on it
ENTREPRISE_INDEX = "semantic_entreprise_embedding_hnsw"

# No foreign key: a table of the core schema could no longer be truncated without naming these
# (Django's flush does not know unmanaged tables), and the web process never reads a vector
# without joining its row; the vectors of deleted rows go at the next catch-up.
TABLES_SQL = [
    "CREATE EXTENSION IF NOT EXISTS vector",
    """CREATE TABLE IF NOT EXISTS semantic_entreprise_embedding (
        entreprise_id bigint PRIMARY KEY,
        text_hash varchar(32) NOT NULL,
        embedding halfvec(128) NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS semantic_motmetier_embedding (
        mot_metier_id bigint PRIMARY KEY,
        text_hash varchar(32) NOT NULL,
        embedding halfvec(128) NOT NULL
    )""",
]
# cosine distance (<=>) on normalised vectors: the nearest entreprises to a need, nationwide
ENTREPRISE_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {ENTREPRISE_INDEX} ON semantic_entreprise_embedding "
    "USING hnsw (embedding halfvec_cosine_ops)"
)


# whether the vector tables exist and hold a vector: one query wherever it runs (a query
# naming the table would not parse where pgvector is missing)
STATE_FUNCTION_SQL = """
    CREATE OR REPLACE FUNCTION semantic_vector_state(OUT tables boolean, OUT vectors boolean)
    LANGUAGE plpgsql STABLE AS $$
    BEGIN
        tables := to_regclass('semantic_entreprise_embedding') IS NOT NULL;
        vectors := false;
        IF tables THEN
            EXECUTE 'SELECT EXISTS (SELECT FROM semantic_entreprise_embedding)' INTO vectors;
        END IF;
    END $$
"""


def pgvector_version(connection: BaseDatabaseWrapper) -> tuple[int, ...] | None:
    """The version of pgvector this PostgreSQL can install, or None."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
        row = cursor.fetchone()
    if row is None:
        return None
    return tuple(int(part) for part in row[0].split(".") if part.isdigit())


def vector_tables_create(connection: BaseDatabaseWrapper) -> bool:
    """Create the extension, the tables and their index when pgvector ≥ 0.7 is available;
    False when it is not (only the state function is created then)."""
    with connection.cursor() as cursor:
        cursor.execute(STATE_FUNCTION_SQL)
    version = pgvector_version(connection)
    if version is None or version < MIN_VERSION:
        return False
    with connection.cursor() as cursor:
        for statement in [*TABLES_SQL, ENTREPRISE_INDEX_SQL]:
            cursor.execute(statement)
    return True
