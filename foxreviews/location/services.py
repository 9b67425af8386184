"""Writes on the geography: load régions, départements, villes and codes postaux."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from foxreviews.core.bulk import copy_into_temp_table, upsert_counts
from foxreviews.core.text import normalize_search

DATA_DIR = Path(__file__).resolve().parent / "data"


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


@transaction.atomic
def geography_load(*, data_dir: Path | None = None) -> dict[str, dict[str, int]]:
    """Upsert the vendored geography; rows that did not change are not written."""
    data_dir = data_dir or DATA_DIR
    return {
        "regions": _regions_load(data_dir / "regions.csv"),
        "departements": _departements_load(data_dir / "departements.csv"),
        "villes": _villes_load(data_dir / "communes.csv.gz"),
        "codes_postaux": _codes_postaux_load(data_dir / "codes_postaux.csv.gz"),
        "communes_alias": _aliases_load(data_dir / "communes_alias.csv.gz"),
    }


def _regions_load(path: Path) -> dict[str, int]:
    copy_into_temp_table(
        table="tmp_region",
        columns=[("code", "text"), ("nom", "text"), ("slug", "text"), ("zone", "text"),
                 ("chef_lieu", "text")],
        rows=((r["code"], r["nom"], slugify(r["nom"]), r["zone"], r["chef_lieu"])
              for r in _read_csv(path)),
    )  # fmt: skip
    return upsert_counts(
        """INSERT INTO location_region (code, nom, slug, zone, chef_lieu)
           SELECT code, nom, slug, zone, chef_lieu FROM tmp_region
           ON CONFLICT (code) DO UPDATE SET nom = EXCLUDED.nom, slug = EXCLUDED.slug,
               zone = EXCLUDED.zone, chef_lieu = EXCLUDED.chef_lieu
           WHERE (location_region.nom, location_region.slug, location_region.zone,
                  location_region.chef_lieu)
                 IS DISTINCT FROM (EXCLUDED.nom, EXCLUDED.slug, EXCLUDED.zone, EXCLUDED.chef_lieu)
           RETURNING (xmax = 0) AS created"""
    )


def _departements_load(path: Path) -> dict[str, int]:
    copy_into_temp_table(
        table="tmp_departement",
        columns=[("code", "text"), ("nom", "text"), ("slug", "text"), ("region", "text"),
                 ("zone", "text"), ("chef_lieu", "text")],
        rows=((d["code"], d["nom"], slugify(f"{d['nom']}-{d['code']}"), d["region"], d["zone"],
               d["chef_lieu"]) for d in _read_csv(path)),
    )  # fmt: skip
    return upsert_counts(
        """INSERT INTO location_departement (code, nom, slug, region_id, zone, chef_lieu)
           SELECT t.code, t.nom, t.slug, r.id, t.zone, t.chef_lieu
           FROM tmp_departement t JOIN location_region r ON r.code = t.region
           ON CONFLICT (code) DO UPDATE SET nom = EXCLUDED.nom, slug = EXCLUDED.slug,
               region_id = EXCLUDED.region_id, zone = EXCLUDED.zone,
               chef_lieu = EXCLUDED.chef_lieu
           WHERE (location_departement.nom, location_departement.slug,
                  location_departement.region_id, location_departement.zone,
                  location_departement.chef_lieu)
                 IS DISTINCT FROM (EXCLUDED.nom, EXCLUDED.slug, EXCLUDED.region_id,
                                   EXCLUDED.zone, EXCLUDED.chef_lieu)
           RETURNING (xmax = 0) AS created"""
    )


def _ville_rows(path: Path) -> Iterator[tuple]:
    for c in _read_csv(path):
        codes = [code for code in c["codes_postaux"].split("|") if code]
        yield (
            c["code"],
            c["nom"],
            normalize_search(c["nom"]),
            f"{slugify(c['nom'])}-{c['code'].lower()}",
            "{" + ",".join(codes) + "}",
            int(c["population"]) if c["population"] else None,
            c["departement"],
            c["region"],
            c["zone"],
        )


_VILLE_COLUMNS = (
    "nom", "nom_recherche", "slug", "codes_postaux", "population", "code_departement",
    "departement_id", "code_region", "zone",
)  # fmt: skip


def _villes_load(path: Path) -> dict[str, int]:
    copy_into_temp_table(
        table="tmp_ville",
        columns=[("code_insee", "text"), ("nom", "text"), ("nom_recherche", "text"),
                 ("slug", "text"), ("codes_postaux", "varchar(5)[]"), ("population", "integer"),
                 ("code_departement", "text"), ("code_region", "text"), ("zone", "text")],
        rows=_ville_rows(path),
    )  # fmt: skip
    current = ", ".join(f"location_ville.{name}" for name in _VILLE_COLUMNS)
    excluded = ", ".join(f"EXCLUDED.{name}" for name in _VILLE_COLUMNS)
    assignments = ", ".join(f"{name} = EXCLUDED.{name}" for name in _VILLE_COLUMNS)
    return upsert_counts(
        f"""INSERT INTO location_ville (code_insee, {", ".join(_VILLE_COLUMNS)})
            SELECT t.code_insee, t.nom, t.nom_recherche, t.slug, t.codes_postaux, t.population,
                   t.code_departement, d.id, t.code_region, t.zone
            FROM tmp_ville t LEFT JOIN location_departement d ON d.code = t.code_departement
            ON CONFLICT (code_insee) DO UPDATE SET {assignments}
            WHERE ({current}) IS DISTINCT FROM ({excluded})
            RETURNING (xmax = 0) AS created"""  # noqa: S608 (constant column names)
    )


def _codes_postaux_load(path: Path) -> dict[str, int]:
    copy_into_temp_table(
        table="tmp_code_postal",
        columns=[("code", "text"), ("code_commune", "text"), ("libelle", "text")],
        rows=((p["code_postal"], p["code_commune"], p["libelle_acheminement"])
              for p in _read_csv(path)),
    )  # fmt: skip
    return upsert_counts(
        """INSERT INTO location_codepostal (code, ville_id, libelle_acheminement)
           SELECT t.code, v.id, t.libelle
           FROM tmp_code_postal t JOIN location_ville v ON v.code_insee = t.code_commune
           ON CONFLICT (code, ville_id) DO UPDATE
               SET libelle_acheminement = EXCLUDED.libelle_acheminement
           WHERE location_codepostal.libelle_acheminement
                 IS DISTINCT FROM EXCLUDED.libelle_acheminement
           RETURNING (xmax = 0) AS created"""
    )


def _aliases_load(path: Path) -> dict[str, int]:
    copy_into_temp_table(
        table="tmp_commune_alias",
        columns=[("code", "text"), ("commune", "text"), ("type", "text")],
        rows=((a["code"], a["commune"], a["type"]) for a in _read_csv(path)),
    )
    return upsert_counts(
        """INSERT INTO location_communealias (code, ville_id, type)
           SELECT t.code, v.id, t.type
           FROM tmp_commune_alias t JOIN location_ville v ON v.code_insee = t.commune
           ON CONFLICT (code) DO UPDATE SET ville_id = EXCLUDED.ville_id, type = EXCLUDED.type
           WHERE (location_communealias.ville_id, location_communealias.type)
                 IS DISTINCT FROM (EXCLUDED.ville_id, EXCLUDED.type)
           RETURNING (xmax = 0) AS created"""
    )
