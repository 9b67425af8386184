"""foxreviews_to_date without an EXCEPTION block.

0004's version sent days 29-31 to a PL/pgSQL function that caught the cast's error in a
subtransaction while being declared PARALLEL SAFE: in a parallel plan, PostgreSQL 15 failed the
import ("cannot start subtransactions during a parallel operation") and PostgreSQL 18 stored
NULL for valid dates. This one checks the calendar in plain SQL (every branch of the CASE is
reached only when the previous ones guarantee its casts succeed) and builds the date with the
immutable make_date, so PostgreSQL inlines it into the calling query. The test suite compares
it with Python's calendar on every day of leap and common years.
"""

from django.db import migrations

TO_DATE_SQL = """
CREATE OR REPLACE FUNCTION foxreviews_to_date(s text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN s IS NULL OR length(s) <> 10 OR substr(s, 5, 1) <> '-' OR substr(s, 8, 1) <> '-'
             OR ltrim(left(s, 4) || substr(s, 6, 2) || right(s, 2), '0123456789') <> ''
            THEN NULL
        WHEN left(s, 4)::int = 0 OR substr(s, 6, 2)::int NOT BETWEEN 1 AND 12
             OR right(s, 2)::int NOT BETWEEN 1 AND
                CASE substr(s, 6, 2)
                    WHEN '02' THEN
                        CASE WHEN left(s, 4)::int % 4 = 0
                                  AND (left(s, 4)::int % 100 <> 0 OR left(s, 4)::int % 400 = 0)
                             THEN 29 ELSE 28 END
                    WHEN '04' THEN 30 WHEN '06' THEN 30 WHEN '09' THEN 30 WHEN '11' THEN 30
                    ELSE 31
                END
            THEN NULL
        ELSE make_date(left(s, 4)::int, substr(s, 6, 2)::int, right(s, 2)::int)
    END
$$;
DROP FUNCTION IF EXISTS foxreviews_safe_date(text);
"""

# Back to 0004's pair, as it was.
PREVIOUS_SQL = """
CREATE OR REPLACE FUNCTION foxreviews_safe_date(s text) RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF s IS NULL OR s !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN
        RETURN NULL;
    END IF;
    RETURN s::date;
EXCEPTION WHEN others THEN
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION foxreviews_to_date(s text) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN s IS NULL OR length(s) <> 10 OR ltrim(s, '0123456789-') <> ''
             OR substr(s, 5, 1) <> '-' OR substr(s, 8, 1) <> '-' THEN NULL
        WHEN substr(s, 6, 2) BETWEEN '01' AND '12' AND substr(s, 9, 2) BETWEEN '01' AND '28'
            THEN s::date
        ELSE foxreviews_safe_date(s)
    END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("imports", "0004_sirene_sql_functions")]
    operations = [migrations.RunSQL(TO_DATE_SQL, PREVIOUS_SQL)]
