"""An établissement as INSEE's API gives it (JSON) → a record of the stock file's layout, so
that the bulk import's write path serves both sources.

The API nests what the stock file flattens (the addresses, the current period, the one
without `dateFin`, and the legal unit), under the stock file's column names.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from foxreviews.imports.sirene.layout import (
    NAF25_COLUMN,
    STOCK_ETABLISSEMENT_COLUMNS,
    UNITE_LEGALE_NAME_COLUMNS,
)

HEADER = [*STOCK_ETABLISSEMENT_COLUMNS, NAF25_COLUMN, *UNITE_LEGALE_NAME_COLUMNS]


def current_period(etablissement: dict[str, Any]) -> dict[str, Any]:
    periods = etablissement.get("periodesEtablissement") or []
    for period in periods:
        if period.get("dateFin") is None:
            return period
    return periods[0] if periods else {}


def stock_record(etablissement: dict[str, Any]) -> list[str]:
    sources = (
        etablissement,
        etablissement.get("adresseEtablissement") or {},
        etablissement.get("adresse2Etablissement") or {},
        current_period(etablissement),
        etablissement.get("uniteLegale") or {},
    )
    return [_text(_first(sources, column)) for column in HEADER]


def stock_csv(etablissements: Iterable[dict[str, Any]]) -> tuple[bytes, int]:
    """The records as CSV bytes (no header) for COPY, and how many there are."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    count = 0
    for etablissement in etablissements:
        writer.writerow(stock_record(etablissement))
        count += 1
    return out.getvalue().encode("utf-8"), count


def _first(sources: tuple[dict[str, Any], ...], column: str) -> Any:
    for source in sources:
        if column in source:
            return source[column]
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("\x00", "")
