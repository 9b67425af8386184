"""Writes on the taxonomy: catégories, sous-catégories and NAF codes.

Catégories and sous-catégories are created when missing and never overwritten (admins own them
afterwards); NAF libellés follow the official data; a NafCode's sous-catégorie is only set when
it has none, so an admin's re-mapping survives every re-load.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from django.db import connection, transaction

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


VOCABULARY = "vocabulaire.csv"
NEEDS = "besoins.csv"
VISITOR_NAMES = "noms_publics.csv"


@transaction.atomic
def vocabulary_load(*, data_dir: Path | None = None) -> dict[str, dict[str, int]]:
    """The trade words visitors type (data/vocabulaire.csv: a word and the NAF sous-classes it
    means, the first one naming the trade), then the needs they type for a trade
    (data/besoins.csv, the same columns: "robinet qui goutte", "tondre la pelouse"), and the
    sous-catégories' visitor-facing names (data/noms_publics.csv). Words go to the
    sous-catégorie their NAF code maps to now; a word staff deleted comes back, a visitor name
    staff wrote is kept. Needs taxonomy_load first."""
    data_dir = data_dir or DATA_DIR
    words = itertools.chain(read_csv(data_dir / VOCABULARY), read_csv(data_dir / NEEDS))
    copy_into_temp_table(
        table="tmp_mot_metier",
        columns=[("ligne", "integer"), ("terme", "text"), ("codes", "text[]")],
        rows=((n, row["terme"].strip(), "{" + ",".join(row["codes_naf"].split()) + "}")
              for n, row in enumerate(words)),
    )  # fmt: skip
    copy_into_temp_table(
        table="tmp_nom_public",
        columns=[("code", "text"), ("nom_public", "text")],
        rows=((row["code_naf"], row["nom_public"]) for row in read_csv(data_dir / VISITOR_NAMES)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT c.code FROM (
                   SELECT unnest(codes) AS code FROM tmp_mot_metier
                   UNION ALL SELECT code FROM tmp_nom_public) c
               WHERE NOT EXISTS (SELECT FROM category_nafcode n WHERE n.code = c.code)
               ORDER BY c.code"""
        )
        unknown = [code for (code,) in cursor.fetchall()]
    if unknown:
        raise ValueError(f"codes NAF inconnus dans le vocabulaire : {', '.join(unknown)}")
    noms_publics = upsert_counts(
        """UPDATE category_souscategorie s SET nom_public = t.nom_public
           FROM tmp_nom_public t JOIN category_nafcode n ON n.code = t.code
           WHERE s.id = n.sous_categorie_id AND s.nom_public = '' AND t.nom_public <> ''
           RETURNING false AS created"""
    )
    # in the file's order: a word's first sous-catégorie gets the lowest id (it names the trade)
    mots = upsert_counts(
        """INSERT INTO category_motmetier (terme, sous_categorie_id)
           SELECT t.terme, n.sous_categorie_id
           FROM tmp_mot_metier t
           CROSS JOIN LATERAL unnest(t.codes) WITH ORDINALITY AS c(code, rang)
           JOIN category_nafcode n ON n.code = c.code AND n.sous_categorie_id IS NOT NULL
           ORDER BY t.ligne, c.rang
           ON CONFLICT (terme, sous_categorie_id) DO NOTHING
           RETURNING true AS created"""
    )
    return {"noms_publics": noms_publics, "mots_metier": mots}
