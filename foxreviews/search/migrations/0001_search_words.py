"""The words of the directory's names, for typo-tolerant search: every distinct word of nom and
enseigne (unaccented, lower-case, not stemmed) with the number of entreprises that use it, and
a trigram index to find the words spelt like a query's word ("boulangrie" → "boulangerie").
A materialized view: refreshed (CONCURRENTLY, thanks to its unique index) after imports and
every night, never maintained row by row."""

from django.db import migrations

# PostgreSQL 17+ runs a materialized view's query with search_path = pg_catalog (and so does
# ts_stat's inner query): every name of ours is qualified with the schema it lives in.
CREATE = """
CREATE MATERIALIZED VIEW search_word AS
SELECT word, ndoc FROM ts_stat($$
    SELECT to_tsvector('simple', {schema}.foxreviews_unaccent(nom || ' ' || enseigne))
    FROM {schema}.enterprise_entreprise
$$);
CREATE UNIQUE INDEX search_word_uniq ON search_word (word);
CREATE INDEX search_word_trgm ON search_word USING gin (word gin_trgm_ops);
"""


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = schema_editor.quote_name(cursor.fetchone()[0])
        for statement in CREATE.format(schema=schema).split(";\n"):
            if statement.strip():
                cursor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP MATERIALIZED VIEW IF EXISTS search_word")


class Migration(migrations.Migration):
    initial = True
    dependencies = [("enterprise", "0005_search")]
    operations = [migrations.RunPython(create, drop)]
