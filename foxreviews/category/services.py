"""Writes on the taxonomy: catégories, sous-catégories and NAF codes.

Catégories and sous-catégories are created when missing and never overwritten (admins own them
afterwards); NAF libellés follow the official data; a NafCode's sous-catégorie is only set when
it has none, so an admin's re-mapping survives every re-load.
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from foxreviews.core.bulk import copy_into_temp_table, upsert_counts

from .taxonomy import DATA_DIR, read_csv, sous_classes


@transaction.atomic
def taxonomy_load(*, data_dir: Path | None = None) -> dict[str, dict[str, int]]:
    data_dir = data_dir or DATA_DIR
    classes = sous_classes(data_dir)

    copy_into_temp_table(
        table="tmp_categorie",
        columns=[("slug", "text"), ("nom", "text"), ("ordre", "smallint"), ("description", "text")],
        rows=((c["slug"], c["nom"], int(c["ordre"]), c["description"])
              for c in read_csv(data_dir / "categories.csv")),
    )  # fmt: skip
    categories = upsert_counts(
        """INSERT INTO category_categorie (slug, nom, ordre, description)
           SELECT slug, nom, ordre, description FROM tmp_categorie
           ON CONFLICT (slug) DO NOTHING
           RETURNING (xmax = 0) AS created"""
    )

    copy_into_temp_table(
        table="tmp_naf",
        columns=[("code", "text"), ("libelle", "text"), ("section", "text"),
                 ("division", "text"), ("categorie", "text"), ("sous_categorie", "text")],
        rows=((s.code, s.libelle, s.section, s.division, s.categorie_slug,
               s.sous_categorie_slug) for s in classes),
    )  # fmt: skip
    sous_categories = upsert_counts(
        """INSERT INTO category_souscategorie (slug, nom, description, categorie_id)
           SELECT t.sous_categorie, t.libelle, '', c.id
           FROM tmp_naf t JOIN category_categorie c ON c.slug = t.categorie
           ON CONFLICT (slug) DO NOTHING
           RETURNING (xmax = 0) AS created"""
    )
    naf_codes = upsert_counts(
        """INSERT INTO category_nafcode (code, libelle, section, division, sous_categorie_id)
           SELECT t.code, t.libelle, t.section, t.division, s.id
           FROM tmp_naf t LEFT JOIN category_souscategorie s ON s.slug = t.sous_categorie
           ON CONFLICT (code) DO UPDATE SET
               libelle = EXCLUDED.libelle, section = EXCLUDED.section,
               division = EXCLUDED.division,
               sous_categorie_id = COALESCE(category_nafcode.sous_categorie_id,
                                            EXCLUDED.sous_categorie_id)
           WHERE (category_nafcode.libelle, category_nafcode.section, category_nafcode.division)
                 IS DISTINCT FROM (EXCLUDED.libelle, EXCLUDED.section, EXCLUDED.division)
              OR (category_nafcode.sous_categorie_id IS NULL
                  AND EXCLUDED.sous_categorie_id IS NOT NULL)
           RETURNING (xmax = 0) AS created"""
    )
    return {
        "categories": categories,
        "sous_categories": sous_categories,
        "naf_codes": naf_codes,
    }
