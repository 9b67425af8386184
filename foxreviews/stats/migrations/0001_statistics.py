"""The directory's statistics as materialized views: counted once (every night, or on an
admin's demand), read in a millisecond. Each has a unique index, which REFRESH ... CONCURRENTLY
needs (readers keep the old figures while the new ones are computed). PostgreSQL 17+ runs a
view's query with search_path = pg_catalog: every table is qualified with its schema."""

from django.db import migrations

VIEWS = """
CREATE MATERIALIZED VIEW stats_departement AS
SELECT coalesce(v.code_departement, '') AS code,
       count(*) AS entreprises,
       count(*) FILTER (WHERE e.etat_administratif = 'A') AS actives
FROM {schema}.enterprise_entreprise e
LEFT JOIN {schema}.location_ville v ON v.id = e.ville_id
GROUP BY 1;
CREATE UNIQUE INDEX stats_departement_code ON stats_departement (code);

CREATE MATERIALIZED VIEW stats_categorie AS
SELECT c.id AS categorie_id,
       count(e.id) AS entreprises,
       count(e.id) FILTER (WHERE e.etat_administratif = 'A') AS actives
FROM {schema}.category_categorie c
LEFT JOIN {schema}.category_souscategorie s ON s.categorie_id = c.id
LEFT JOIN {schema}.category_nafcode n ON n.sous_categorie_id = s.id
LEFT JOIN {schema}.enterprise_entreprise e ON e.naf_code = n.code
GROUP BY c.id;
CREATE UNIQUE INDEX stats_categorie_id ON stats_categorie (categorie_id);

CREATE MATERIALIZED VIEW stats_totals AS
SELECT 1 AS id,
       (SELECT coalesce(sum(entreprises), 0) FROM {schema}.stats_departement)::bigint
           AS entreprises,
       (SELECT coalesce(sum(actives), 0) FROM {schema}.stats_departement)::bigint AS actives,
       (SELECT count(*) FROM {schema}.location_ville) AS villes,
       (SELECT count(*) FROM {schema}.location_departement) AS departements,
       (SELECT count(*) FROM {schema}.location_region) AS regions,
       now() AS refreshed_at;
CREATE UNIQUE INDEX stats_totals_id ON stats_totals (id);
"""


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = schema_editor.quote_name(cursor.fetchone()[0])
        for statement in VIEWS.format(schema=schema).split(";\n"):
            if statement.strip():
                cursor.execute(statement)


def drop(apps, schema_editor):
    for name in ("stats_totals", "stats_categorie", "stats_departement"):
        schema_editor.execute(f"DROP MATERIALIZED VIEW IF EXISTS {name}")


class Migration(migrations.Migration):
    initial = True
    dependencies = [
        ("enterprise", "0005_search"),
        ("location", "0002_commune_alias"),
        ("category", "0001_initial"),
    ]
    operations = [migrations.RunPython(create, drop)]
