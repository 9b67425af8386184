"""The word list becomes a table, so that each load adds its new words at once (a materialized
view could only be recomputed whole); `foxreviews_name_words(nom, enseigne)` says, in one
place, which words of a name the list keeps."""

import importlib

from django.db import migrations, models

import django.contrib.postgres.indexes

set_based = importlib.import_module("foxreviews.search.migrations.0002_search_words_set_based")

# words with a digit (SIRETs, street numbers) or shorter than 3 letters: no typo is corrected
# towards them, and they made most of the list
NAME_WORDS = """
CREATE OR REPLACE FUNCTION foxreviews_name_words(nom text, enseigne text) RETURNS SETOF text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
    SELECT w FROM unnest(tsvector_to_array(to_tsvector(
        'simple', {schema}.foxreviews_unaccent(nom || ' ' || enseigne)))) AS w
    WHERE length(w) >= 3 AND w !~ '[0-9]'
$$
"""
FILL = """
INSERT INTO search_word (word, ndoc)
SELECT w.word, count(*) FROM enterprise_entreprise e
CROSS JOIN LATERAL foxreviews_name_words(e.nom, e.enseigne) AS w(word)
GROUP BY w.word
"""


def drop_view(apps, schema_editor):
    schema_editor.execute("DROP MATERIALIZED VIEW IF EXISTS search_word")


def create_function_and_fill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = schema_editor.quote_name(cursor.fetchone()[0])
        cursor.execute(NAME_WORDS.format(schema=schema))
        cursor.execute(FILL)


def drop_function(apps, schema_editor):
    schema_editor.execute("DROP FUNCTION IF EXISTS foxreviews_name_words(text, text)")


class Migration(migrations.Migration):
    dependencies = [("search", "0002_search_words_set_based"), ("enterprise", "0005_search")]
    operations = [
        migrations.RunPython(drop_view, set_based.create),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                ("word", models.TextField(primary_key=True, serialize=False)),
                ("ndoc", models.IntegerField()),
            ],
            options={
                "db_table": "search_word",
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["word"], name="search_word_trgm", opclasses=["gin_trgm_ops"]
                    )
                ],
            },
        ),
        migrations.RunPython(create_function_and_fill, drop_function),
    ]
