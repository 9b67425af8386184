"""The SQL SIRET check is a port of python-stdnum's: both must agree on every number."""

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
     ("1999-12-31", "1999-12-31")],
)  # fmt: skip
def test_dates_parse_or_become_unknown(text, expected):
    with connection.cursor() as cursor:
        cursor.execute("SELECT foxreviews_to_date(NULLIF(%s, ''))::text", [text])
        assert cursor.fetchone()[0] == expected
