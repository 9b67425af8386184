"""StockUniteLegale as a second input: the legal names of the SIRENs, for établissements that
have neither an enseigne nor a dénomination usuelle."""

from __future__ import annotations

from pathlib import Path

from django.db import connection

from foxreviews.core.exceptions import ApplicationError

from .source import SourceFile
from .writer import UL_TABLE


def load_unites_legales(path: Path, *, chunk_records: int = 500_000) -> int:
    """Fill the UNLOGGED table UL_TABLE(siren, denomination, nom, prenom)."""
    with SourceFile(path) as source:
        header = source.header
        needed = {"siren", "denominationUniteLegale", "nomUniteLegale", "prenom1UniteLegale"}
        if not needed <= set(header):
            raise ApplicationError(
                f"{Path(path).name} is not a StockUniteLegale file (missing "
                f"{', '.join(sorted(needed - set(header)))})."
            )
        columns = ", ".join(f'"{name}" text' for name in header)
        names = ", ".join(f'"{name}"' for name in header)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.sirene_ul_staging, {UL_TABLE}")
            cursor.execute(f"CREATE TEMP TABLE sirene_ul_staging ({columns})")
            for chunk in source.chunks(records=chunk_records):
                with cursor.cursor.copy(
                    f"COPY sirene_ul_staging ({names}) FROM STDIN WITH (FORMAT csv)"
                ) as copy:
                    copy.write(chunk.data)

            def nd(column: str) -> str:
                return f"NULLIF(NULLIF(btrim(\"{column}\"), ''), '[ND]')"

            usage = "nomUsageUniteLegale" if "nomUsageUniteLegale" in header else "nomUniteLegale"
            cursor.execute(
                f"""CREATE UNLOGGED TABLE {UL_TABLE} AS
                    SELECT DISTINCT ON (btrim(siren)) btrim(siren) AS siren,
                           {nd("denominationUniteLegale")} AS denomination,
                           COALESCE({nd(usage)}, {nd("nomUniteLegale")}) AS nom,
                           {nd("prenom1UniteLegale")} AS prenom
                    FROM sirene_ul_staging ORDER BY btrim(siren)"""
            )
            cursor.execute(f"CREATE UNIQUE INDEX ON {UL_TABLE} (siren)")
            cursor.execute(f"ANALYZE {UL_TABLE}")
            cursor.execute("DROP TABLE sirene_ul_staging")
            cursor.execute(f"SELECT count(*) FROM {UL_TABLE}")
            return cursor.fetchone()[0]
