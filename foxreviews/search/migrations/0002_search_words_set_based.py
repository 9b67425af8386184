"""The word list, computed set-based: ts_stat() took 160 s on a million entreprises (it builds
its tree one lexeme at a time); unnest + GROUP BY takes 2 s and runs in parallel. Words with a
digit (SIRETs in "Établissement 123..." names, street numbers) or shorter than 3 letters are
left out: no typo is corrected towards them, and they made most of the list."""

from django.db import migrations

# PostgreSQL 17+ runs a materialized view's query with search_path = pg_catalog: every name of
# ours is qualified with the schema it lives in.
CREATE = """
DROP MATERIALIZED VIEW IF EXISTS search_word;
CREATE MATERIALIZED VIEW search_word AS
SELECT w.word, count(*) AS ndoc
FROM {schema}.enterprise_entreprise e
CROSS JOIN LATERAL unnest(tsvector_to_array(
    to_tsvector('simple', {schema}.foxreviews_unaccent(e.nom || ' ' || e.enseigne))
)) AS w(word)
WHERE length(w.word) >= 3 AND w.word !~ '[0-9]'
GROUP BY w.word;
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


class Migration(migrations.Migration):
    dependencies = [("search", "0001_search_words")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
