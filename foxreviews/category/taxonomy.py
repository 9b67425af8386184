"""The NAF rév. 2 tree and how its sous-classes map to the directory's catégories (pure logic)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"

# NAF sections by division (INSEE's nomenclature): section letter → (first, last) division.
SECTIONS = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}  # fmt: skip


@dataclass(frozen=True)
class SousClasse:
    code: str  # "56.10A"
    libelle: str
    section: str
    division: str
    categorie_slug: str
    sous_categorie_slug: str


def section_of(division: str) -> str:
    number = int(division)
    for letter, (first, last) in SECTIONS.items():
        if first <= number <= last:
            return letter
    raise ValueError(f"division NAF inconnue : {division}")


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def categorie_for(code: str, mapping: dict[str, str]) -> str:
    """The catégorie of the longest NAF prefix in `mapping` that `code` starts with."""
    for length in range(len(code), 1, -1):
        slug = mapping.get(code[:length])
        if slug:
            return slug
    raise ValueError(f"aucune catégorie pour le code NAF {code}")


def sous_classes(data_dir: Path = DATA_DIR) -> list[SousClasse]:
    mapping = {row["prefix"]: row["categorie"] for row in read_csv(data_dir / "naf_mapping.csv")}
    result, slugs = [], set()
    for row in read_csv(data_dir / "naf.csv"):
        code = row["code"]
        if len(code) != 6:  # divisions "56", groupes "56.1", classes "56.10"
            continue
        slug = slugify(row["libelle"])[:200].strip("-")
        if slug in slugs:
            slug = f"{slug[:190]}-{slugify(code)}"
        slugs.add(slug)
        result.append(
            SousClasse(
                code=code,
                libelle=row["libelle"],
                section=section_of(code[:2]),
                division=code[:2],
                categorie_slug=categorie_for(code, mapping),
                sous_categorie_slug=slug,
            )
        )
    return result
