"""The set-based half of the bulk import: one chunk of staged rows → classified rows →
entreprises upserted and pro-localisations created, in a few SQL statements."""

from __future__ import annotations

from django.db import connection

from .formats import Format

ENTREPRISE_FIELDS = (
    "siren", "nic", "siret", "nom", "denomination", "enseigne", "naf_code", "naf25_code",
    "adresse", "complement_adresse", "code_postal", "code_commune", "ville_id",
    "etat_administratif", "date_creation", "tranche_effectifs",
)  # fmt: skip
# compared to decide whether a row changed (code_commune drives ville_id)
COMPARED = tuple(f for f in ENTREPRISE_FIELDS if f not in ("siret", "siren", "nic"))


def create_work_tables(header: list[str]) -> None:
    columns = ", ".join(f'"{name}" text' for name in header)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.sirene_staging, pg_temp.sirene_rows")
        cursor.execute("DROP SEQUENCE IF EXISTS pg_temp.sirene_record")
        cursor.execute("CREATE TEMP SEQUENCE sirene_record")
        cursor.execute(
            f"CREATE TEMP TABLE sirene_staging ({columns}, "
            "_rec bigint NOT NULL DEFAULT nextval('sirene_record'))"
        )


def classify(fmt: Format, *, with_unites_legales: bool) -> None:
    """sirene_rows ← staged rows with their Entreprise fields and a rejection reason."""
    f = fmt.fields
    join = "LEFT JOIN sirene_ul ul ON ul.siren = btrim(s.siren)" if with_unites_legales else ""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS pg_temp.sirene_rows")
        cursor.execute(
            f"""
            CREATE TEMP TABLE sirene_rows AS
            SELECT t.*,
                   CASE
                       WHEN t.siret IS NULL OR t.siret = '' THEN 'siret_manquant'
                       WHEN NOT foxreviews_siret_valid(t.siret) THEN 'siret_invalide'
                       WHEN t.siren_given IS NOT NULL AND t.siren_given <> left(t.siret, 9)
                           THEN 'siren_incoherent'
                       WHEN t.nom IS NULL THEN 'nom_manquant'
                       WHEN t.etat_administratif NOT IN ('A', 'F') THEN 'etat_inconnu'
                   END AS reason
            FROM (
                SELECT s._rec,
                       {f["siret"]} AS siret, {f["siren_given"]} AS siren_given,
                       {f["nom"]} AS nom, {f["denomination"]} AS denomination,
                       {f["enseigne"]} AS enseigne, {f["naf_code"]} AS naf_code,
                       {f["naf25_code"]} AS naf25_code, {f["adresse"]} AS adresse,
                       {f["complement_adresse"]} AS complement_adresse,
                       {f["code_postal"]} AS code_postal, {f["code_commune"]} AS code_commune,
                       {f["etat_administratif"]} AS etat_administratif,
                       {f["date_creation"]} AS date_creation,
                       {f["tranche_effectifs"]} AS tranche_effectifs
                FROM sirene_staging s {join}
            ) t
            """
        )
        cursor.execute("ANALYZE sirene_rows")  # real row counts for the joins that follow


def rejected_rows() -> list[tuple[int, str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT _rec, COALESCE(siret, ''), reason FROM sirene_rows "
            "WHERE reason IS NOT NULL ORDER BY _rec"
        )
        return cursor.fetchall()


_SOURCE = """
    src AS (
        SELECT DISTINCT ON (r.siret) r.*, left(r.siret, 9) AS siren, right(r.siret, 5) AS nic,
               COALESCE(v.id, a.ville_id) AS ville_id
        FROM sirene_rows r
        LEFT JOIN location_ville v ON v.code_insee = r.code_commune
        LEFT JOIN location_communealias a ON a.code = r.code_commune AND v.id IS NULL
        WHERE r.reason IS NULL {active}
        ORDER BY r.siret, r._rec DESC
    ),
    changed AS (
        SELECT s.*, e.id IS NULL AS is_new FROM src s
        LEFT JOIN enterprise_entreprise e ON e.siret = s.siret
        WHERE e.id IS NULL
           OR ({current}) IS DISTINCT FROM ({incoming})
    )
"""


def _source_sql(only_active: bool) -> str:
    return _SOURCE.format(
        active="AND r.etat_administratif = 'A'" if only_active else "",
        current=", ".join(f"e.{name}" for name in COMPARED),
        incoming=", ".join(f"s.{name}" for name in COMPARED),
    )


def _stats_sql() -> str:
    return """
        (SELECT count(*) FROM sirene_rows) AS staged,
        (SELECT count(*) FROM sirene_rows WHERE reason IS NOT NULL) AS rejected,
        (SELECT count(*) FROM sirene_rows WHERE reason IS NULL AND etat_administratif = 'F')
            AS closed,
        (SELECT count(*) FROM src) AS valid_distinct,
        (SELECT count(*) FROM src WHERE code_commune = '') AS sans_commune,
        (SELECT count(*) FROM src WHERE code_commune <> '' AND ville_id IS NULL)
            AS commune_inconnue,
        (SELECT count(*) FROM src s WHERE NOT EXISTS
            (SELECT 1 FROM category_nafcode n WHERE n.code = s.naf_code
             AND n.sous_categorie_id IS NOT NULL)) AS naf_non_mappe
    """


def write(*, only_active: bool) -> dict[str, int]:
    """Upsert the chunk's valid rows; create their pro-localisations. Returns counters."""
    fields = ", ".join(ENTREPRISE_FIELDS)
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in COMPARED)
    sql = f"""
        WITH {_source_sql(only_active)},
        written AS (
            INSERT INTO enterprise_entreprise (created_at, updated_at, {fields})
            SELECT now(), now(), {fields} FROM changed
            ON CONFLICT (siret) DO UPDATE SET updated_at = now(), {updates}
            RETURNING id, (xmax = 0) AS created, naf_code, ville_id, etat_administratif
        ),
        prolocs AS (
            INSERT INTO enterprise_prolocalisation (
                created_at, updated_at, entreprise_id, sous_categorie_id, ville_id,
                note_moyenne, nombre_avis, is_active, description, description_source)
            SELECT now(), now(), w.id, n.sous_categorie_id, w.ville_id, NULL, 0,
                   w.etat_administratif = 'A', '', ''
            FROM written w JOIN category_nafcode n ON n.code = w.naf_code
            WHERE w.ville_id IS NOT NULL AND n.sous_categorie_id IS NOT NULL
            ON CONFLICT (entreprise_id, sous_categorie_id, ville_id) DO NOTHING
            RETURNING 1
        ),
        reactivated AS (
            UPDATE enterprise_prolocalisation p
            SET is_active = (w.etat_administratif = 'A'), updated_at = now()
            FROM written w
            WHERE NOT w.created AND p.entreprise_id = w.id
              AND p.is_active <> (w.etat_administratif = 'A')
            RETURNING 1
        )
        SELECT (SELECT count(*) FILTER (WHERE created) FROM written) AS created,
               (SELECT count(*) FILTER (WHERE NOT created) FROM written) AS updated,
               (SELECT count(*) FROM prolocs) AS prolocalisations_created,
               (SELECT count(*) FROM reactivated) AS prolocalisations_state_changed,
               {_stats_sql()}
    """
    return _fetch_counts(sql, only_active=only_active)


def dry_run(*, only_active: bool) -> dict[str, int]:
    """What `write` would do, writing nothing."""
    sql = f"""
        WITH {_source_sql(only_active)}
        SELECT (SELECT count(*) FROM changed WHERE is_new) AS created,
               (SELECT count(*) FROM changed WHERE NOT is_new) AS updated,
               0 AS prolocalisations_created, 0 AS prolocalisations_state_changed,
               {_stats_sql()}
    """
    return _fetch_counts(sql, only_active=only_active)


def _fetch_counts(sql: str, *, only_active: bool) -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        names = [col.name for col in cursor.description]
        counts = dict(zip(names, cursor.fetchone(), strict=True))
    skipped = counts["closed"] if only_active else 0
    counts["skipped_closed"] = skipped
    # rows of this chunk that a later row of the same SIRET superseded
    counts["duplicates_in_file"] = (
        counts["staged"] - counts["rejected"] - skipped - counts["valid_distinct"]
    )
    return counts
