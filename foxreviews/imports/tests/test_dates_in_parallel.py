"""Every creation date of a generated file survives an import whose chunk runs in a parallel
plan: the date check must hold in parallel workers on every PostgreSQL the project supports."""

import csv
import datetime
import os

import pytest
from django.core.management import call_command
from django.db import connection
from stdnum.fr import siret as stdnum_siret

from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import
from foxreviews.imports.sirene.generator import generate

ROWS = 30_000


def _parallel_settings() -> dict[str, str]:
    """Every plan of the import's sessions goes through parallel workers."""
    force = "debug_parallel_query" if connection.pg_version >= 160000 else "force_parallel_mode"
    return {
        force: "on",
        "parallel_setup_cost": "0",
        "parallel_tuple_cost": "0",
        "min_parallel_table_scan_size": "0",
    }


@pytest.fixture
def parallel_plans():
    """New sessions of the test database (the import's two connections) start with them."""
    name = connection.settings_dict["NAME"]
    quoted = connection.ops.quote_name(name)
    with connection.cursor() as cursor:
        for setting, value in _parallel_settings().items():
            cursor.execute(f"ALTER DATABASE {quoted} SET {setting} = '{value}'")
    connection.close()  # this session, too, starts again with them
    yield
    with connection.cursor() as cursor:
        for setting in _parallel_settings():
            cursor.execute(f"ALTER DATABASE {quoted} RESET {setting}")
    connection.close()


def _file_dates(path) -> dict[str, datetime.date | None]:
    dates = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if not stdnum_siret.is_valid(row["siret"]):
                continue
            try:
                dates[row["siret"]] = datetime.date.fromisoformat(row["dateCreationEtablissement"])
            except ValueError:
                dates[row["siret"]] = None
    return dates


@pytest.mark.slow  # 30,000 rows through parallel plans
@pytest.mark.django_db(transaction=True)
def test_every_date_survives_a_parallel_plan(tmp_path, parallel_plans):
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    stock = tmp_path / "StockEtablissement_utf8.csv"
    generate(rows=ROWS, out=stock, seed=30)
    expected = _file_dates(stock)
    days = {d.day for d in expected.values() if d is not None}
    assert {29, 30, 31} <= days  # the file holds the days that once went wrong
    assert list(expected.values()).count(None) > 5  # and impossible dates on purpose

    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {next(iter(_parallel_settings()))}")
        assert cursor.fetchone()[0] == "on"

    result = sirene_bulk_import(
        path=stock,
        options=BulkImportOptions(progress=False, batch_size=ROWS, rejects_path=tmp_path / "r"),
    )
    assert result.counters.read == ROWS
    with connection.cursor() as cursor:
        cursor.execute("SELECT siret, date_creation FROM enterprise_entreprise")
        stored = dict(cursor.fetchall())
    assert len(stored) == len(expected)
    assert {s: d for s, d in stored.items() if expected[s] != d} == {}
