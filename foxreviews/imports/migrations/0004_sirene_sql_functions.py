"""SQL functions for set-based SIRENE validation, frozen as this migration first ran them
(0005 replaces the date functions).

`foxreviews_siret_valid(text)` is an exact port of python-stdnum's `stdnum.fr.siret.is_valid`
(Luhn on the 14 digits and on the SIREN; La Poste's établissements, SIREN 356000000, use a
digit sum multiple of 5 instead): stdnum costs ~14 µs a call, this ~1 µs inside PostgreSQL.
The test suite checks both agree on random and edge-case numbers; rejected rows get their
reason from stdnum itself.
"""

from django.db import migrations

SIRET_VALID_SQL = """
-- Luhn on integers (digit k from the right = x / 10^k % 10): 3x faster than substr().
CREATE OR REPLACE FUNCTION foxreviews_luhn9(x bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (
        ((x / 1::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 10::bigint) % 10)::int + 1]
        + ((x / 100::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 1000::bigint) % 10)::int + 1]
        + ((x / 10000::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 100000::bigint) % 10)::int + 1]
        + ((x / 1000000::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 10000000::bigint) % 10)::int + 1]
        + ((x / 100000000::bigint) % 10)::int
    ) % 10 = 0
$$;

CREATE OR REPLACE FUNCTION foxreviews_luhn14(x bigint) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (
        ((x / 1::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 10::bigint) % 10)::int + 1]
        + ((x / 100::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 1000::bigint) % 10)::int + 1]
        + ((x / 10000::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 100000::bigint) % 10)::int + 1]
        + ((x / 1000000::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 10000000::bigint) % 10)::int + 1]
        + ((x / 100000000::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 1000000000::bigint) % 10)::int + 1]
        + ((x / 10000000000::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 100000000000::bigint) % 10)::int + 1]
        + ((x / 1000000000000::bigint) % 10)::int
        + (ARRAY[0,2,4,6,8,1,3,5,7,9])[((x / 10000000000000::bigint) % 10)::int + 1]
    ) % 10 = 0
$$;

CREATE OR REPLACE FUNCTION foxreviews_digit_sum14(x bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((x / 1::bigint) % 10)::int
        + ((x / 10::bigint) % 10)::int
        + ((x / 100::bigint) % 10)::int
        + ((x / 1000::bigint) % 10)::int
        + ((x / 10000::bigint) % 10)::int
        + ((x / 100000::bigint) % 10)::int
        + ((x / 1000000::bigint) % 10)::int
        + ((x / 10000000::bigint) % 10)::int
        + ((x / 100000000::bigint) % 10)::int
        + ((x / 1000000000::bigint) % 10)::int
        + ((x / 10000000000::bigint) % 10)::int
        + ((x / 100000000000::bigint) % 10)::int
        + ((x / 1000000000000::bigint) % 10)::int
        + ((x / 10000000000000::bigint) % 10)::int
$$;

CREATE OR REPLACE FUNCTION foxreviews_siret_valid(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN s IS NULL OR length(s) <> 14 OR ltrim(s, '0123456789') <> '' THEN false
        WHEN left(s, 9) = '356000000' AND s <> '35600000000048'
            THEN foxreviews_digit_sum14(s::bigint) % 5 = 0
                 AND foxreviews_luhn9(s::bigint / 100000)
        ELSE foxreviews_luhn14(s::bigint) AND foxreviews_luhn9(s::bigint / 100000)
    END
$$;

-- A date from 'YYYY-MM-DD' text, NULL when it is not a real date (2023-02-30).
-- The common case is a plain cast; only days 29-31 go through the exception-catching
-- function (an EXCEPTION block costs a subtransaction per call).
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

DROP_SQL = """
DROP FUNCTION IF EXISTS foxreviews_to_date(text);
DROP FUNCTION IF EXISTS foxreviews_safe_date(text);
DROP FUNCTION IF EXISTS foxreviews_siret_valid(text);
DROP FUNCTION IF EXISTS foxreviews_digit_sum14(bigint);
DROP FUNCTION IF EXISTS foxreviews_luhn14(bigint);
DROP FUNCTION IF EXISTS foxreviews_luhn9(bigint);
"""


class Migration(migrations.Migration):
    dependencies = [("imports", "0003_import_checkpoint")]
    operations = [migrations.RunSQL(SIRET_VALID_SQL, DROP_SQL)]
