"""How each accepted file layout maps onto an Entreprise, as SQL expressions over the staging
table.

No name from a file reaches SQL: the staging table names its columns by position (c0, c1, ...),
and a format looks up the position of each column its layout knows. Columns the layout does
not know are never read, and are reported."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from psycopg import sql

from foxreviews.core.exceptions import ApplicationError

from .layout import (
    NAF25_COLUMN,
    SIMPLE_OPTIONAL,
    SIMPLE_REQUIRED,
    STOCK_ETABLISSEMENT_COLUMNS,
    UNITE_LEGALE_NAME_COLUMNS,
)


def staging_column(position: int) -> sql.Identifier:
    """The staging table's column for the file's column at `position` (0-based)."""
    return sql.Identifier(f"c{position}")


def staging_columns(count: int) -> sql.Composed:
    return sql.SQL(", ").join(staging_column(i) for i in range(count))


def staging_column_definitions(count: int) -> sql.Composed:
    """`"c0" text, "c1" text, ...`: a staging table's columns, one per file column."""
    return sql.SQL(", ").join(sql.SQL("{} text").format(staging_column(i)) for i in range(count))


class Columns:
    """The header's columns that a layout knows, by position; the others are ignored."""

    def __init__(self, header: list[str], known: Collection[str]) -> None:
        repeated = [n for n, k in Counter(h for h in header if h in known).items() if k > 1]
        if repeated:
            raise ApplicationError(
                f"L'en-tête nomme la colonne {repeated[0]} plus d'une fois ; gardez-en une."
            )
        self.positions = {name: i for i, name in enumerate(header) if name in known}
        self.ignored = tuple(name for name in header if name not in known)

    def __contains__(self, name: str) -> bool:
        return name in self.positions

    def ref(self, name: str) -> str:
        """The SQL for the staged value of column `name` of staging row `s`."""
        return sql.SQL("s.{}").format(staging_column(self.positions[name])).as_string(None)

    def nd(self, name: str, *, trim: bool = False) -> str:
        """A column's value, NULL when empty or `[ND]` (not diffused: never shown).

        INSEE's files are not padded: trimming is for hand-made CSVs (a function call per
        field and per row counts at 40 million rows)."""
        value = self.ref(name)
        if trim:
            value = f"btrim({value})"
        return f"NULLIF(NULLIF({value}, ''), '[ND]')"


@dataclass(frozen=True)
class Format:
    name: str
    fields: dict[str, str]  # Entreprise field → SQL expression over staging row `s`
    ignored: tuple[str, ...] = ()  # header names outside the layout, never read


def describe_ignored(names: tuple[str, ...], *, shown: int = 5) -> str:
    """One line naming ignored columns, each cut short and quoted (names come from a file)."""
    quoted = [repr(name[:40] + ("…" if len(name) > 40 else "")) for name in names[:shown]]
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"ignored {len(names)} column(s) the layout does not know: {', '.join(quoted)}{more}"


def _stock(header: list[str], with_unites_legales: bool) -> Format:
    cols = Columns(header, (*STOCK_ETABLISSEMENT_COLUMNS, NAF25_COLUMN, *UNITE_LEGALE_NAME_COLUMNS))
    nd = cols.nd
    naf25 = nd(NAF25_COLUMN) if NAF25_COLUMN in cols else "NULL"
    if with_unites_legales:
        legal_name = "COALESCE(ul.denomination, NULLIF(concat_ws(' ', ul.prenom, ul.nom), ''))"
    elif all(name in cols for name in UNITE_LEGALE_NAME_COLUMNS):  # the API's établissements
        nom = f"COALESCE({nd('nomUsageUniteLegale')}, {nd('nomUniteLegale')})"
        legal_name = (
            f"COALESCE({nd('denominationUniteLegale')}, "
            f"NULLIF(concat_ws(' ', {nd('prenom1UniteLegale')}, {nom}), ''))"
        )
    else:
        legal_name = "NULL"
    numero = nd("numeroVoieEtablissement")
    indice = nd("indiceRepetitionEtablissement")
    voie = (
        f"concat_ws(' ', {numero} || COALESCE({indice}, ''), "
        f"{nd('typeVoieEtablissement')}, {nd('libelleVoieEtablissement')})"
    )
    return Format(
        name="stock",
        fields={
            "siret": cols.ref("siret"),
            "siren_given": f"NULLIF({cols.ref('siren')}, '')",
            "nom": (
                f"left(COALESCE({nd('enseigne1Etablissement')}, "
                f"{nd('denominationUsuelleEtablissement')}, {legal_name}, "
                f"'Établissement ' || {cols.ref('siret')}), 255)"
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
            "etat_administratif": cols.ref("etatAdministratifEtablissement"),
            "date_creation": f"foxreviews_to_date({nd('dateCreationEtablissement')})",
            "tranche_effectifs": f"left(COALESCE({nd('trancheEffectifsEtablissement')}, ''), 2)",
        },
        ignored=cols.ignored,
    )


def _simple(header: list[str]) -> Format:
    cols = Columns(header, (*SIMPLE_REQUIRED, *SIMPLE_OPTIONAL))
    nd = cols.nd

    def opt(column: str, width: int) -> str:
        return f"left(COALESCE({nd(column, trim=True)}, ''), {width})" if column in cols else "''"

    commune = "code_commune" if "code_commune" in cols else None
    return Format(
        name="simple",
        fields={
            "siret": f"replace(btrim({cols.ref('siret')}), ' ', '')",
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
                if "etat_administratif" in cols
                else "'A'"
            ),
            "date_creation": (
                f"foxreviews_to_date({nd('date_creation', trim=True)})"
                if "date_creation" in cols
                else "NULL::date"
            ),
            "tranche_effectifs": opt("tranche_effectifs", 2),
        },
        ignored=cols.ignored,
    )


def detect_format(header: list[str], *, with_unites_legales: bool = False) -> Format:
    columns = set(header)
    if {"siret", "etatAdministratifEtablissement"} <= columns:
        missing = [c for c in STOCK_ETABLISSEMENT_COLUMNS if c not in columns]
        if missing:
            raise ApplicationError(
                f"Fichier StockEtablissement sans la ou les colonnes : {', '.join(missing[:5])}."
            )
        return _stock(header, with_unites_legales)
    if set(SIMPLE_REQUIRED) <= columns:
        if "ville" in columns and "code_commune" not in columns:
            raise ApplicationError("Donnez la commune en code_commune (code INSEE), pas en ville.")
        return _simple(header)
    raise ApplicationError(
        "Format de fichier inconnu : l'en-tête StockEtablissement de l'INSEE est attendu, ou le "
        f"CSV simple avec au moins les colonnes {', '.join(SIMPLE_REQUIRED)} "
        f"(trouvé : {', '.join(repr(name[:40]) for name in header[:8])})."
    )
