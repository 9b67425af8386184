import csv
import datetime
from collections import Counter

from stdnum.fr import siret as stdnum_siret

from foxreviews.imports.sirene.generator import generate
from foxreviews.imports.sirene.layout import NAF25_COLUMN, STOCK_ETABLISSEMENT_COLUMNS


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_generator_is_realistic_and_deterministic(tmp_path):
    generate(rows=5_000, out=tmp_path / "a.csv", seed=9, bom=True)
    generate(rows=5_000, out=tmp_path / "b.csv", seed=9, bom=True)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    rows = _read(tmp_path / "a.csv")
    assert len(rows) == 5_000
    assert list(rows[0]) == [*STOCK_ETABLISSEMENT_COLUMNS, NAF25_COLUMN]
    sirets = [r["siret"] for r in rows]
    assert len(set(sirets)) == len(sirets)
    invalid = sum(not stdnum_siret.is_valid(s) for s in sirets)
    assert 0 < invalid < 100
    per_siren = Counter(r["siren"] for r in rows)
    assert max(per_siren.values()) > 1  # several établissements for some SIRENs
    closed = sum(r["etatAdministratifEtablissement"] == "F" for r in rows) / len(rows)
    assert 0.5 < closed < 0.7
    assert any(r["enseigne1Etablissement"] == "[ND]" for r in rows)
    assert any(r["codePaysEtrangerEtablissement"] for r in rows)
    assert any(r["codeCommuneEtablissement"].startswith("751") for r in rows)  # Paris arr.
    assert any(r["codeCommuneEtablissement"].startswith(("2A", "2B")) for r in rows)


def test_a_different_seed_gives_a_different_file(tmp_path):
    generate(rows=200, out=tmp_path / "a.csv", seed=1)
    generate(rows=200, out=tmp_path / "b.csv", seed=2, with_naf25=False)
    assert _read(tmp_path / "a.csv")[0]["siret"] != _read(tmp_path / "b.csv")[0]["siret"]
    assert NAF25_COLUMN not in _read(tmp_path / "b.csv")[0]


def test_creation_dates_fall_on_every_day_and_a_few_are_impossible(tmp_path):
    generate(rows=20_000, out=tmp_path / "a.csv", seed=3)
    dates = [r["dateCreationEtablissement"] for r in _read(tmp_path / "a.csv")]
    valid, impossible = [], []
    for text in dates:
        try:
            valid.append(datetime.date.fromisoformat(text))
        except ValueError:
            impossible.append(text)
    assert {d.day for d in valid} == set(range(1, 32))
    assert {(d.month, d.day) for d in valid if d.day > 28} >= {(2, 29), (4, 30), (12, 31)}
    assert 0 < len(impossible) < 100
    assert all(text[5:] in {"02-29", "02-30", "04-31", "11-31"} for text in impossible)
