"""French search in the database: an IMMUTABLE unaccent (usable in indexes and generated
columns, which the extension's own function is not) and the `foxreviews_fr` text search
configuration: French stemming on unaccented words, so "Boulangerie", "boulangeries" and
"BOULANGÉRIE" all match the lexeme `boulanger`."""

from django.db import migrations


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
            "WHERE e.extname = 'unaccent'"
        )
        schema = cursor.fetchone()[0]  # the extension may live outside `public`
        quoted = schema_editor.quote_name(schema)
        cursor.execute(
            f"""
            CREATE OR REPLACE FUNCTION foxreviews_unaccent(text) RETURNS text
            LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
            AS $$ SELECT {quoted}.unaccent('{quoted}.unaccent'::regdictionary, $1) $$
            """
        )
        cursor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS foxreviews_fr")
        cursor.execute("CREATE TEXT SEARCH CONFIGURATION foxreviews_fr (COPY = pg_catalog.french)")
        cursor.execute(
            "ALTER TEXT SEARCH CONFIGURATION foxreviews_fr ALTER MAPPING FOR "
            f"hword, hword_part, word WITH {quoted}.unaccent, french_stem"
        )


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS foxreviews_fr")
        cursor.execute("DROP FUNCTION IF EXISTS foxreviews_unaccent(text)")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_postgres_extensions")]
    operations = [migrations.RunPython(create, drop)]
