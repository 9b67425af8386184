"""The sponsorship price grid from data/tarifs.csv (loaded with the reference data)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

from foxreviews.category.models import Categorie
from foxreviews.orders.models import DUREES_MOIS, BandeVille, Tarif

TARIFS_CSV = Path(__file__).parent.parent / "data" / "tarifs.csv"


def tarifs_load(*, path: Path = TARIFS_CSV) -> dict[str, int]:
    """The price grid of data/tarifs.csv, for the rows that are missing (what staff changed in
    the admin stays). A catégorie the database does not have is skipped."""
    categories = dict(Categorie.objects.values_list("slug", "id"))
    rows = []
    with path.open(encoding="utf-8", newline="") as handle:
        for n, row in enumerate(csv.DictReader(handle), start=2):
            duree, bande = int(row["duree_mois"]), row["bande"]
            cents = Decimal(row["prix_ht_euros"]) * 100
            if duree not in DUREES_MOIS or bande not in BandeVille.values or cents != int(cents):
                raise ValueError(f"{path.name} line {n}: invalid row {row}")
            if row["categorie"] in categories:
                rows.append(
                    Tarif(
                        categorie_id=categories[row["categorie"]],
                        bande=bande,
                        duree_mois=duree,
                        prix_ht_centimes=int(cents),
                    )
                )
    before = Tarif.objects.count()
    Tarif.objects.bulk_create(rows, ignore_conflicts=True)  # ON CONFLICT DO NOTHING
    return {"created": Tarif.objects.count() - before, "updated": 0}
