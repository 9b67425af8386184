"""How each accepted file layout maps onto an Entreprise, as SQL expressions over the staging
table (one text column per file column, named as in the file's header)."""

from __future__ import annotations

from dataclasses import dataclass

from foxreviews.core.exceptions import ApplicationError

from .layout import NAF25_COLUMN, SIMPLE_REQUIRED, STOCK_ETABLISSEMENT_COLUMNS


def nd(column: str, *, trim: bool = False) -> str:
    """A column's value, NULL when empty or `[ND]` (not diffused: never shown).

    INSEE's files are not padded: trimming is for hand-made CSVs (a function call per field
    and per row counts at 40 million rows)."""
    value = f's."{column}"'
    if trim:
        value = f"btrim({value})"
    return f"NULLIF(NULLIF({value}, ''), '[ND]')"


@dataclass(frozen=True)
class Format:
    name: str
    fields: dict[str, str]  # Entreprise field → SQL expression over staging row `s`


def _stock(header: list[str], with_unites_legales: bool) -> Format:
    naf25 = nd(NAF25_COLUMN) if NAF25_COLUMN in header else "NULL"
    legal_name = (
        "COALESCE(ul.denomination, NULLIF(concat_ws(' ', ul.prenom, ul.nom), ''))"
        if with_unites_legales
        else "NULL"
    )
    numero = nd("numeroVoieEtablissement")
    indice = nd("indiceRepetitionEtablissement")
    voie = (
        f"concat_ws(' ', {numero} || COALESCE({indice}, ''), "
        f"{nd('typeVoieEtablissement')}, {nd('libelleVoieEtablissement')})"
    )
    return Format(
        name="stock",
        fields={
            "siret": "s.siret",
            "siren_given": "NULLIF(s.siren, '')",
            "nom": (
                f"left(COALESCE({nd('enseigne1Etablissement')}, "
                f"{nd('denominationUsuelleEtablissement')}, {legal_name}, "
                "'Établissement ' || s.siret), 255)"
            ),
            "denomination": f"left(COALESCE({legal_name}, ''), 255)",
            "enseigne": f"left(COALESCE({nd('enseigne1Etablissement')}, ''), 255)",
            "naf_code": (
                f"CASE WHEN COALESCE({nd('nomenclatureActivitePrincipaleEtablissement')}, "
                "'NAFRev2') = 'NAFRev2' "
                f"THEN left(COALESCE({nd('activitePrincipaleEtablissement')}, ''), 6) ELSE '' END"
            ),
            "naf25_code": f"left(COALESCE({naf25}, ''), 8)",
            "adresse": f"left(COALESCE(NULLIF({voie}, ''), ''), 255)",
            "complement_adresse": (
                f"left(COALESCE({nd('complementAdresseEtablissement')}, ''), 255)"
            ),
            "code_postal": f"left(COALESCE({nd('codePostalEtablissement')}, ''), 5)",
            "code_commune": f"COALESCE(upper({nd('codeCommuneEtablissement')}), '')",
            "etat_administratif": 's."etatAdministratifEtablissement"',
            "date_creation": f"foxreviews_to_date({nd('dateCreationEtablissement')})",
            "tranche_effectifs": f"left(COALESCE({nd('trancheEffectifsEtablissement')}, ''), 2)",
        },
    )


def _simple(header: list[str]) -> Format:
    def opt(column: str, width: int) -> str:
        return f"left(COALESCE({nd(column, trim=True)}, ''), {width})" if column in header else "''"

    commune = "code_commune" if "code_commune" in header else None
    return Format(
        name="simple",
        fields={
            "siret": "replace(btrim(s.siret), ' ', '')",
            "siren_given": "NULL",
            "nom": f"left({nd('nom', trim=True)}, 255)",
            "denomination": "''",
            "enseigne": opt("enseigne", 255),
            "naf_code": opt("naf_code", 6),
            "naf25_code": "''",
            "adresse": opt("adresse", 255),
            "complement_adresse": opt("complement_adresse", 255),
            "code_postal": opt("code_postal", 5),
            "code_commune": f"COALESCE(upper({nd(commune, trim=True)}), '')" if commune else "''",
            "etat_administratif": (
                f"COALESCE(upper({nd('etat_administratif', trim=True)}), 'A')"
                if "etat_administratif" in header
                else "'A'"
            ),
            "date_creation": (
                f"foxreviews_to_date({nd('date_creation', trim=True)})"
                if "date_creation" in header
                else "NULL::date"
            ),
            "tranche_effectifs": opt("tranche_effectifs", 2),
        },
    )


def detect_format(header: list[str], *, with_unites_legales: bool = False) -> Format:
    columns = set(header)
    if {"siret", "etatAdministratifEtablissement"} <= columns:
        missing = [c for c in STOCK_ETABLISSEMENT_COLUMNS if c not in columns]
        if missing:
            raise ApplicationError(
                f"StockEtablissement file without the column(s): {', '.join(missing[:5])}."
            )
        return _stock(header, with_unites_legales)
    if set(SIMPLE_REQUIRED) <= columns:
        if "ville" in columns and "code_commune" not in columns:
            raise ApplicationError("Give the commune as code_commune (code INSEE), not ville.")
        return _simple(header)
    raise ApplicationError(
        "Unknown file layout: expected INSEE's StockEtablissement header, or the simple CSV "
        f"with at least the columns {', '.join(SIMPLE_REQUIRED)} (found: {', '.join(header[:8])})."
    )
