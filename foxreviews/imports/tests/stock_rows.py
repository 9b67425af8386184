"""Small StockEtablissement files in INSEE's real layout, built row by row for tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from stdnum import luhn

LAYOUT = Path(__file__).resolve().parents[3] / "tests/fixtures/sirene-stock-layout"
COLUMNS = (LAYOUT / "StockEtablissement_utf8.header.txt").read_text().strip().split(",")
assert len(COLUMNS) == 54 and COLUMNS[-1] == "activitePrincipaleNAF25Etablissement"


def siret(siren_body: str, nic_body: str = "0001") -> str:
    siren = siren_body + luhn.calc_check_digit(siren_body)
    return siren + nic_body + luhn.calc_check_digit(siren + nic_body)


def row(siret_: str, **fields: str) -> dict[str, str]:
    base = {name: "" for name in COLUMNS}
    base.update(
        siren=siret_[:9], nic=siret_[9:], siret=siret_, statutDiffusionEtablissement="O",
        dateCreationEtablissement="2015-06-01", trancheEffectifsEtablissement="01",
        etablissementSiege="true", numeroVoieEtablissement="12",
        typeVoieEtablissement="RUE", libelleVoieEtablissement="DE LA PAIX",
        codePostalEtablissement="69001", libelleCommuneEtablissement="LYON",
        codeCommuneEtablissement="69381", etatAdministratifEtablissement="A",
        enseigne1Etablissement="BOULANGERIE DU COIN", activitePrincipaleEtablissement="10.71C",
        nomenclatureActivitePrincipaleEtablissement="NAFRev2",
    )  # fmt: skip
    base.update(fields)
    return base


def write_stock(path: Path, rows: list[dict[str, str]], *, bom: bool = False,
                naf25: bool = True, truncate_last: bool = False) -> Path:  # fmt: skip
    """naf25=False writes the layout of files older than 2025-12-16 (53 columns)."""
    columns = COLUMNS if naf25 else COLUMNS[:-1]
    rows = [{k: v for k, v in r.items() if k in columns} for r in rows]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    if truncate_last:  # a file cut in the middle of its last line
        start = text.rstrip("\n").rfind("\n") + 1
        text = text[: start + (len(text) - start) // 2]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path
