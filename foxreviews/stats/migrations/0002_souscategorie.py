"""Counts per sous-catégorie (for /api/categories/), and the per-catégorie view summed from
them: the directory is still scanned once per view set, not once more."""

from django.db import migrations

FORWARD = """
DROP MATERIALIZED VIEW stats_categorie;

CREATE MATERIALIZED VIEW stats_souscategorie AS
SELECT s.id AS sous_categorie_id,
       count(e.id) AS entreprises,
       count(e.id) FILTER (WHERE e.etat_administratif = 'A') AS actives
FROM {schema}.category_souscategorie s
LEFT JOIN {schema}.category_nafcode n ON n.sous_categorie_id = s.id
LEFT JOIN {schema}.enterprise_entreprise e ON e.naf_code = n.code
GROUP BY s.id;
CREATE UNIQUE INDEX stats_souscategorie_id ON stats_souscategorie (sous_categorie_id);

CREATE MATERIALIZED VIEW stats_categorie AS
SELECT c.id AS categorie_id,
       coalesce(sum(ss.entreprises), 0)::bigint AS entreprises,
       coalesce(sum(ss.actives), 0)::bigint AS actives
FROM {schema}.category_categorie c
LEFT JOIN {schema}.category_souscategorie s ON s.categorie_id = c.id
LEFT JOIN {schema}.stats_souscategorie ss ON ss.sous_categorie_id = s.id
GROUP BY c.id;
CREATE UNIQUE INDEX stats_categorie_id ON stats_categorie (categorie_id);
"""

BACKWARD = """
DROP MATERIALIZED VIEW stats_categorie;
DROP MATERIALIZED VIEW stats_souscategorie;

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
"""


def run(statements: str):
    def apply(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT current_schema()")
            schema = schema_editor.quote_name(cursor.fetchone()[0])
            for statement in statements.format(schema=schema).split(";\n"):
                if statement.strip():
                    cursor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("stats", "0001_statistics")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
