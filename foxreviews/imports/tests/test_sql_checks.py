"""The SQL SIRET and date checks are ports of python-stdnum's and of Python's calendar: each
pair must agree on every input."""

import datetime
import random

import pytest
from django.db import connection
from stdnum import luhn
from stdnum.fr import siret as stdnum_siret

pytestmark = pytest.mark.django_db


def _numbers() -> list[str]:
    rng = random.Random(2026)
    numbers = [f"{rng.randrange(10**14):014d}" for _ in range(5_000)]
    for _ in range(5_000):  # valid SIRENs, then a NIC with or without a valid check digit
        siren = f"{rng.randrange(10**8):08d}"
        siren += luhn.calc_check_digit(siren)
        body = siren + f"{rng.randrange(10**4):04d}"
        numbers.append(body + (luhn.calc_check_digit(body) if rng.random() < 0.7 else "0"))
    # La Poste: SIREN 356000000, digit sum multiple of 5 instead of Luhn (but its head office)
    numbers += [f"356000000{n:05d}" for n in range(0, 3_000)]
    numbers += ["35600000000048", "3560000000004", "7328293200007A", "", " 73282932000074"]
    return numbers


def test_the_sql_siret_check_agrees_with_stdnum_on_every_number():
    numbers = _numbers()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n, foxreviews_siret_valid(n) FROM unnest(%s::text[]) AS n", [numbers]
        )
        sql = dict(cursor.fetchall())
    disagreements = [n for n in numbers if sql[n] != stdnum_siret.is_valid(n.strip() or "x")
                     and n.strip() == n]  # fmt: skip
    assert disagreements == []
    assert sum(sql.values()) > 4_000  # the sample holds thousands of valid numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2015-06-01", "2015-06-01"), ("2024-02-29", "2024-02-29"), ("2023-02-29", None),
     ("2023-02-30", None), ("2023-13-01", None), ("20230101", None), ("", None),
     ("1999-12-31", "1999-12-31"), ("2023-04-31", None), ("0000-01-01", None),
     ("2023-1-011", None), ("２０２３-01-01", None), ("2023-01-1a", None)],
)  # fmt: skip
def test_dates_parse_or_become_unknown(text, expected):
    with connection.cursor() as cursor:
        cursor.execute("SELECT foxreviews_to_date(NULLIF(%s, ''))::text", [text])
        assert cursor.fetchone()[0] == expected


def test_the_sql_date_agrees_with_python_on_every_day_of_leap_and_common_years():
    """Every YYYY-MM-DD with months 00-13 and days 00-32, over years that exercise each leap
    rule (1900, 2000, 2023, 2024, 2100) and the year 0000 Python refuses."""
    texts = [
        f"{year}-{month:02}-{day:02}"
        for year in ("0000", "0001", "1900", "2000", "2023", "2024", "2100")
        for month in range(14)
        for day in range(33)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT t, foxreviews_to_date(t) FROM unnest(%s::text[]) AS t", [texts])
        sql = dict(cursor.fetchall())

    def python_date(text):
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return None

    assert {t: sql[t] for t in texts if sql[t] != python_date(t)} == {}
    assert sum(value is not None for value in sql.values()) == 6 * 365 + 2  # 2000, 2024 leap


def test_the_sql_date_has_no_subtransaction_and_is_inlined():
    """No EXCEPTION block (a subtransaction is forbidden in a parallel worker): the function is
    plain SQL that PostgreSQL folds into the query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT l.lanname, p.proparallel FROM pg_proc p JOIN pg_language l "
            "ON l.oid = p.prolang WHERE p.proname LIKE 'foxreviews_%%date%%'"
        )
        assert cursor.fetchall() == [("sql", "s")]
        cursor.execute("EXPLAIN (VERBOSE) SELECT foxreviews_to_date('2024-02-29')")
        assert "'2024-02-29'::date" in " ".join(line for (line,) in cursor.fetchall())
