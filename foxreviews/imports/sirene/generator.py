"""Realistic synthetic StockEtablissement files in INSEE's layout, deterministic for a seed:
communes weighted by population (through the arrondissements, as SIRENE writes them), NAF codes
spread like the register, several établissements per SIREN, closed, `[ND]`, abroad and invalid
rows, creation dates on every day of the month.
"""

from __future__ import annotations

import calendar
import csv
import gzip
import io
import random
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from stdnum import luhn

from foxreviews.category.taxonomy import DATA_DIR as NAF_DIR
from foxreviews.location.services import DATA_DIR as GEO_DIR

from .layout import STOCK_ETABLISSEMENT_COLUMNS

# Rough weight of some sous-classes in the real register; the others weigh 1.
NAF_WEIGHTS = {
    "68.20A": 120, "68.20B": 160, "70.10Z": 40, "70.22Z": 60, "47.91B": 30, "56.10A": 45,
    "56.10C": 35, "56.30Z": 25, "43.21A": 30, "43.22A": 25, "43.99C": 30, "41.20A": 25,
    "86.21Z": 25, "86.90E": 20, "96.02A": 30, "96.02B": 25, "62.01Z": 30, "62.02A": 25,
    "85.59A": 25, "85.59B": 30, "90.01Z": 25, "90.03A": 30, "01.11Z": 30, "01.50Z": 20,
    "49.32Z": 30, "53.20Z": 25, "10.71C": 15, "47.11B": 10, "47.73Z": 10, "45.20A": 20,
    "74.90B": 30, "81.21Z": 15, "88.10A": 10, "93.12Z": 20, "94.99Z": 80,
}  # fmt: skip
VOIES = ["RUE", "AV", "BD", "PL", "CHE", "RTE", "IMP", "ALL", "QUAI", "CRS"]
NOMS_VOIE = ["DE LA REPUBLIQUE", "VICTOR HUGO", "JEAN JAURES", "DU MOULIN", "DE L'EGLISE",
             "PASTEUR", "DE LA GARE", "DES ECOLES", "DU GENERAL DE GAULLE", "DE PARIS",
             "DES LILAS", "DU STADE", "GAMBETTA", "NATIONALE", "DU CHATEAU"]  # fmt: skip
ENSEIGNES = ["BOULANGERIE", "LE PETIT BISTROT", "GARAGE", "COIFFURE", "PHARMACIE", "CAFE",
             "PLOMBERIE", "AU BON PAIN", "L'ATELIER", "CHEZ", "LA TABLE D'", "SALON",
             "INSTITUT", "EPICERIE", "CABINET", "AGENCE", "TAXI", "AUTO ECOLE"]  # fmt: skip
NOMS = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND",
        "LEROY", "MOREAU", "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID",
        "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRE",
        "MERCIER"]  # fmt: skip
PAYS = [("99109", "ALLEMAGNE", "BERLIN"), ("99134", "ESPAGNE", "MADRID"),
        ("99131", "BELGIQUE", "BRUXELLES"), ("99140", "SUISSE", "GENEVE")]  # fmt: skip
EFFECTIFS = ["NN", "NN", "NN", "00", "01", "02", "03", "11", "12", "21", ""]


def _communes() -> tuple[list[tuple[str, str, str]], list[int]]:
    """(code commune as SIRENE writes it, code postal, libellé) and population weights."""
    arrondissements: dict[str, list[str]] = {}
    with gzip.open(GEO_DIR / "communes_alias.csv.gz", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["type"] == "arrondissement-municipal":
                arrondissements.setdefault(row["commune"], []).append(row["code"])
    communes, weights = [], []
    with gzip.open(GEO_DIR / "communes.csv.gz", "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            population = int(row["population"] or 0)
            postaux = row["codes_postaux"].split("|") if row["codes_postaux"] else [""]
            codes = arrondissements.get(row["code"], [row["code"]])
            share = max(population // len(codes), 1)
            for i, code in enumerate(codes):
                communes.append((code, postaux[i % len(postaux)], row["nom"].upper()))
                weights.append(share)
    return communes, weights


def _naf_codes() -> tuple[list[str], list[int]]:
    with open(NAF_DIR / "naf.csv", encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle) if len(row["code"]) == 6]
    return codes, [NAF_WEIGHTS.get(code, 1) for code in codes]


class SireneGenerator:
    def __init__(self, *, seed: int = 42, invalid_share: float = 0.004, with_naf25: bool = True):
        self.rng = random.Random(seed)
        self.invalid_share = invalid_share
        self.with_naf25 = with_naf25
        self.communes, self.commune_weights = _communes()
        self.naf, self.naf_weights = _naf_codes()
        self._serial = 0
        self._offset = self.rng.randrange(100_000_000)
        self.columns = list(STOCK_ETABLISSEMENT_COLUMNS)
        if with_naf25:
            self.columns.append("activitePrincipaleNAF25Etablissement")

    def _next_siren(self) -> str:
        """Unique SIRENs in a random-looking order: an affine permutation of 0..10^8-1."""
        self._serial += 1
        body = f"{(self._serial * 48_271_117 + self._offset) % 100_000_000:08d}"
        return body + luhn.calc_check_digit(body)

    def rows(self, count: int) -> Iterator[list[str]]:
        rng, produced = self.rng, 0
        block = 4096  # draw communes and NAF codes in blocks: random.choices is per call costly
        while produced < count:
            communes = rng.choices(self.communes, self.commune_weights, k=block)
            nafs = rng.choices(self.naf, self.naf_weights, k=block)
            i = 0
            while i < block and produced < count:
                siren = self._next_siren()
                establishments = rng.choices([1, 2, 3, 5, 8], [70, 15, 8, 5, 2])[0]
                for n in range(1, establishments + 1):
                    if produced >= count or i >= block:
                        break
                    yield self._row(siren, n, communes[i], nafs[i])
                    produced += 1
                    i += 1

    def _row(self, siren: str, n: int, commune: tuple[str, str, str], naf: str) -> list[str]:
        rng = self.rng
        nic_body = f"{n:04d}"
        siret = siren + nic_body + luhn.calc_check_digit(siren + nic_body)
        nic = siret[9:]
        closed = rng.random() < 0.6
        partial = rng.random() < 0.03
        abroad = rng.random() < 0.003
        code_commune, code_postal, libelle = commune
        year, month = rng.randint(1950, 2025), rng.randint(1, 12)
        date = f"{year}-{month:02d}-{rng.randint(1, calendar.monthrange(year, month)[1]):02d}"
        enseigne = f"{rng.choice(ENSEIGNES)} {rng.choice(NOMS)}" if rng.random() < 0.35 else ""
        denomination_usuelle = rng.choice(NOMS) + " ET FILS" if rng.random() < 0.05 else ""
        numero, type_voie, voie = str(rng.randint(1, 250)), rng.choice(VOIES), rng.choice(NOMS_VOIE)
        pays = ("", "", "")
        if abroad:
            pays = rng.choice(PAYS)
            code_commune, code_postal, libelle = "", "", ""
        if partial:  # partially diffused: the address and names are not given out
            numero = type_voie = voie = enseigne = "[ND]"
            denomination_usuelle = ""
        if rng.random() < self.invalid_share:
            kind = rng.randrange(3)
            if kind == 0:  # wrong check digit
                siret = siret[:-1] + str((int(siret[-1]) + 1) % 10)
                nic = siret[9:]
            elif kind == 1:
                naf = "99.99Z"
            else:  # a day the month does not have
                common_year = year // 4 * 4 + 1
                date = rng.choice(
                    [f"{year}-02-30", f"{year}-04-31", f"{year}-11-31", f"{common_year}-02-29"]
                )
        row = [
            siren, nic, siret, "P" if partial else "O", date, rng.choice(EFFECTIFS),
            "2022" if rng.random() < 0.3 else "", "", "2025-10-01T03:14:15",
            "true" if n == 1 else "false", str(rng.randint(1, 4)),
            "BAT A" if rng.random() < 0.05 else "", numero, "B" if rng.random() < 0.02 else "",
            "", "", type_voie, voie, code_postal, libelle, pays[2], "", code_commune, "", "",
            pays[0], pays[1], "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
            "", date, "F" if closed else "A", enseigne, "", "", denomination_usuelle, naf,
            "NAFRev2", "O" if rng.random() < 0.4 else "N",
        ]  # fmt: skip
        if self.with_naf25:
            row.append(naf[:5] + "Y" if naf[-1].isalpha() else naf)
        return row


def generate(
    *, rows: int, out: Path, seed: int = 42, bom: bool = False, with_naf25: bool = True
) -> int:
    """Write `rows` établissements to `out` (.csv, or .zip holding StockEtablissement_utf8.csv)."""
    generator = SireneGenerator(seed=seed, with_naf25=with_naf25)
    if out.suffix == ".zip":
        archive = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
        with archive, archive.open("StockEtablissement_utf8.csv", "w") as raw:
            handle = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            _write(handle, generator, rows, bom)
            handle.flush()
            handle.detach()
    else:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            _write(handle, generator, rows, bom)
    return rows


def _write(handle, generator: SireneGenerator, rows: int, bom: bool) -> None:
    if bom:
        handle.write("\ufeff")
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(generator.columns)
    writer.writerows(generator.rows(rows))


def add_arguments(parser) -> None:
    """The options of `foxreviews generate-sirene` and `manage.py generate_sirene`."""
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help=".csv or .zip")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM")
    parser.add_argument(
        "--no-naf25", action="store_true", help="the 53-column layout of older files"
    )


def generate_and_report(*, rows: int, out: Path, seed: int, bom: bool, no_naf25: bool) -> str:
    """Check the options, write the file; the line to print (ValueError on a bad option)."""
    if rows < 1:
        raise ValueError("--rows must be at least 1")
    if not out.parent.is_dir():
        raise ValueError(f"no such folder: {out.parent}")
    started = time.monotonic()
    generate(rows=rows, out=out, seed=seed, bom=bom, with_naf25=not no_naf25)
    return (
        f"wrote {rows:,} rows to {out} ({out.stat().st_size / 1e6:,.1f} MB) "
        f"in {time.monotonic() - started:.1f}s"
    )
