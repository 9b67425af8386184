"""Hostile headers and values: nothing from a file reaches SQL as text, and no row is lost
without a report."""

import csv

import pytest
from django.db import connection

from foxreviews.core.exceptions import ApplicationError
from foxreviews.enterprise.models import Entreprise
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import

from .stock_rows import COLUMNS, row, siret, write_stock

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]

INJECTION = 'x" text); COMMIT; CREATE TABLE pwned (a int); --'
HOSTILE_HEADERS = [
    INJECTION,
    'siret" text, "y',
    "a\\'); DROP TABLE enterprise_entreprise; --",
    '"',
    "",
    "ünïcødé ' \" ;",
]
BAKERY, ROADS, CAFE = siret("12345678"), siret("23456789"), siret("34567890")


def _import(path, tmp_path, **options):
    options.setdefault("rejects_path", tmp_path / "rejected.csv")
    return sirene_bulk_import(path=path, options=BulkImportOptions(progress=False, **options))


def _pwned_tables() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname LIKE 'pwned%%'")
        return cursor.fetchone()[0]


def _with_extra_columns(path, header: list[str], rows: list[list[str]], extra: list[str]):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*header, *extra])
        for values in rows:
            writer.writerow([*values, *(f"v{i}" for i in range(len(extra)))])
    return path


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_hostile_header_in_a_stock_file_is_ignored_and_reported(tmp_path, dry_run):
    stock_row = row(BAKERY)
    path = _with_extra_columns(
        tmp_path / "stock.csv", COLUMNS, [[stock_row[c] for c in COLUMNS]], HOSTILE_HEADERS
    )
    result = _import(path, tmp_path, dry_run=dry_run)
    assert _pwned_tables() == 0
    assert result.counters.created == 1
    assert Entreprise.objects.filter(siret=BAKERY).count() == (0 if dry_run else 1)
    # one line; each name quoted and cut at 40 characters
    assert result.notes == [
        "ignored 6 column(s) the layout does not know: "
        "'x\" text); COMMIT; CREATE TABLE pwned (a …', "
        '\'siret" text, "y\', "a\\\\\'); DROP TABLE enterprise_entreprise; …", '
        "'\"', '' and 1 more"
    ]


def test_a_hostile_header_in_the_simple_csv_is_ignored(tmp_path):
    path = _with_extra_columns(
        tmp_path / "simple.csv",
        ["siret", "nom", "code_commune"],
        [[BAKERY, "Boulangerie", "69381"]],
        [INJECTION],
    )
    result = _import(path, tmp_path)
    assert _pwned_tables() == 0
    assert Entreprise.objects.get().nom == "Boulangerie"
    assert len(result.notes) == 1 and "pwned" in result.notes[0]


def test_a_hostile_header_in_the_unites_legales_file_is_ignored(tmp_path):
    stock = write_stock(tmp_path / "stock.csv", [row(BAKERY, enseigne1Etablissement="")])
    ul = tmp_path / "ul.csv"
    with open(ul, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["siren", "denominationUniteLegale", "nomUniteLegale", "prenom1UniteLegale", INJECTION]
        )
        writer.writerow([BAKERY[:9], "BOULANGERIES SA", "", "", "x"])
    _import(stock, tmp_path, unites_legales=ul)
    assert _pwned_tables() == 0
    assert Entreprise.objects.get().nom == "BOULANGERIES SA"


def test_a_known_column_named_twice_is_refused(tmp_path):
    path = tmp_path / "twice.csv"
    path.write_text(f"siret,nom,siret\n{BAKERY},A,{ROADS}\n", encoding="utf-8")
    with pytest.raises(ApplicationError, match="nomme la colonne siret plus d'une fois"):
        _import(path, tmp_path)
    assert Entreprise.objects.count() == 0


def test_hostile_values_are_stored_as_text(tmp_path):
    values = {
        BAKERY: "'); DROP TABLE enterprise_entreprise; --",
        ROADS: 'LE "BAR", \\N \\. $$ ; -- %s %(x)s',
        CAFE: "CAFÉ\nDE LA GARE",  # a line break inside a quoted field
    }
    path = write_stock(
        tmp_path / "stock.csv",
        [row(number, enseigne1Etablissement=name) for number, name in values.items()],
    )
    result = _import(path, tmp_path)
    assert result.counters.created == 3
    assert dict(Entreprise.objects.values_list("siret", "nom")) == values


def test_an_end_of_data_marker_line_loses_no_row(tmp_path):
    """A line holding only `\\.` ends COPY's input in CSV mode: the rows after it must still
    be imported, and the line itself reported."""
    path = write_stock(tmp_path / "stock.csv", [row(BAKERY), row(ROADS)])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + lines[1] + "\\.\n" + lines[2], encoding="utf-8")
    result = _import(path, tmp_path)
    assert set(Entreprise.objects.values_list("siret", flat=True)) == {BAKERY, ROADS}
    assert result.counters.reasons == {"ligne_malformee": 1}


def test_a_nul_byte_rejects_its_row_only(tmp_path):
    path = write_stock(
        tmp_path / "stock.csv", [row(BAKERY, enseigne1Etablissement="A\x00B"), row(ROADS)]
    )
    result = _import(path, tmp_path)
    assert list(Entreprise.objects.values_list("siret", flat=True)) == [ROADS]
    with open(tmp_path / "rejected.csv", encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["line"], r["siret"], r["reason"], r["detail"]) for r in rejected] == [
        ("2", BAKERY, "ligne_malformee", "NUL byte")
    ]
    assert result.counters.rejected == 1
