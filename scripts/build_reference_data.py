#!/usr/bin/env python3
"""Regenerate the vendored reference data from the npm packages it comes from.

    python scripts/build_reference_data.py            # needs `npm` (registry access)

Writes deterministic files (sorted rows, gzip with mtime 0): running it twice gives the same
bytes, so `git diff` shows exactly what a new package version changed.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCATION_DATA = ROOT / "foxreviews" / "location" / "data"
CATEGORY_DATA = ROOT / "foxreviews" / "category" / "data"

PACKAGES = {
    "decoupage": "@etalab/decoupage-administratif@6.0.0",
    "codes_postaux": "codes-postaux@4.1.2",
    "naf": "@socialgouv/codes-naf@1.1.1",
}
KEPT_ZONES = {"metro", "drom"}  # régions and départements; COM communes are kept as villes


def npm_pack(spec: str, workdir: Path) -> tarfile.TarFile:
    result = subprocess.run(
        ["npm", "pack", spec, "--silent", "--pack-destination", str(workdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"npm pack {spec} failed: {result.stderr.strip()}")
    return tarfile.open(workdir / result.stdout.strip().splitlines()[-1])


def member(archive: tarfile.TarFile, name: str) -> bytes:
    handle = archive.extractfile(f"package/{name}")
    if handle is None:
        sys.exit(f"{name} missing from {archive.name}")
    return handle.read()


def write_csv(path: Path, header: list[str], rows: list[list], *, compress: bool) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    if compress:
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(data)
    else:
        path.write_bytes(data)
    print(f"  {path.relative_to(ROOT)}: {len(rows)} rows, {path.stat().st_size:,} bytes")


def build_geography(archive: tarfile.TarFile, codes_postaux: tarfile.TarFile) -> None:
    regions = json.loads(member(archive, "data/regions.json"))
    departements = json.loads(member(archive, "data/departements.json"))
    communes = json.loads(member(archive, "data/communes.json"))

    write_csv(
        LOCATION_DATA / "regions.csv",
        ["code", "nom", "zone", "chef_lieu"],
        sorted(
            [r["code"], r["nom"], r["zone"], r.get("chefLieu", "")]
            for r in regions
            if r["zone"] in KEPT_ZONES
        ),
        compress=False,
    )
    write_csv(
        LOCATION_DATA / "departements.csv",
        ["code", "nom", "region", "zone", "chef_lieu"],
        sorted(
            [d["code"], d["nom"], d["region"], d["zone"], d.get("chefLieu", "")]
            for d in departements
            if d["zone"] in KEPT_ZONES
        ),
        compress=False,
    )
    actuelles = [c for c in communes if c["type"] == "commune-actuelle"]
    write_csv(
        LOCATION_DATA / "communes.csv.gz",
        ["code", "nom", "departement", "region", "zone", "population", "codes_postaux"],
        sorted(
            [
                c["code"],
                c["nom"],
                c["departement"],
                c["region"],
                c["zone"],
                c.get("population", ""),
                "|".join(sorted(c.get("codesPostaux", []))),
            ]
            for c in actuelles
        ),
        compress=True,
    )
    aliases = commune_aliases(communes)
    write_csv(
        LOCATION_DATA / "communes_alias.csv.gz",
        ["code", "commune", "type"],
        sorted([code, commune, kind] for code, (commune, kind) in aliases.items()),
        compress=True,
    )
    codes = {c["code"] for c in actuelles}
    pairs = set()
    for p in json.loads(member(codes_postaux, "codes-postaux.json")):
        commune = p["codeCommune"]
        if commune not in codes and commune in aliases:
            commune = aliases[commune][0]  # e.g. Paris 1er arrondissement 75101 → Paris 75056
        if commune in codes:
            pairs.add((p["codePostal"], commune, p["libelleAcheminement"]))
    # one libellé per (code postal, commune): the alphabetically first when La Poste lists several
    first: dict[tuple[str, str], str] = {}
    for code, commune, libelle in sorted(pairs):
        first.setdefault((code, commune), libelle)
    write_csv(
        LOCATION_DATA / "codes_postaux.csv.gz",
        ["code_postal", "code_commune", "libelle_acheminement"],
        sorted([code, commune, libelle] for (code, commune), libelle in first.items()),
        compress=True,
    )


def commune_aliases(communes: list[dict]) -> dict[str, tuple[str, str]]:
    """Codes that are not a commune in force → (the commune in force, why).

    Arrondissements municipaux (Paris, Lyon, Marseille), communes déléguées and associées, and
    the former codes of communes in force (`anciensCodes`, e.g. Ajaccio 20004 → 2A004).
    SIRENE and La Poste still use such codes.
    """
    actuelles = {c["code"] for c in communes if c["type"] == "commune-actuelle"}
    aliases: dict[str, tuple[str, str]] = {}
    for c in communes:
        if c["type"] == "arrondissement-municipal":
            aliases[c["code"]] = (c["commune"], "arrondissement-municipal")
        elif c["type"] in ("commune-deleguee", "commune-associee") and c["code"] not in actuelles:
            aliases[c["code"]] = (c["chefLieu"], c["type"])
    for c in communes:
        if c["type"] == "commune-actuelle":
            for old in c.get("anciensCodes", []):
                if old not in actuelles:
                    aliases.setdefault(old, (c["code"], "ancien-code"))
    return aliases


def build_naf(archive: tarfile.TarFile) -> None:
    entries = json.loads(member(archive, "index.json"))
    write_csv(
        CATEGORY_DATA / "naf.csv",
        ["code", "libelle"],
        sorted([e["id"], e["label"]] for e in entries),
        compress=False,
    )


def main() -> None:
    LOCATION_DATA.mkdir(parents=True, exist_ok=True)
    CATEGORY_DATA.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        archives = {key: npm_pack(spec, workdir) for key, spec in PACKAGES.items()}
        print("writing vendored reference data:")
        build_geography(archives["decoupage"], archives["codes_postaux"])
        build_naf(archives["naf"])
        (LOCATION_DATA / "LICENSE-decoupage-administratif.txt").write_bytes(
            member(archives["decoupage"], "LICENSE")
        )
        (LOCATION_DATA / "LICENSE-codes-postaux.txt").write_bytes(
            member(archives["codes_postaux"], "LICENSE")
        )


if __name__ == "__main__":
    main()
