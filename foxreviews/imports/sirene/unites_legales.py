"""StockUniteLegale as a second input: the legal names of the SIRENs, for établissements that
have neither an enseigne nor a dénomination usuelle."""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from psycopg import sql

from foxreviews.core.exceptions import ApplicationError

from .formats import Columns, staging_column_definitions, staging_columns
from .layout import STOCK_UNITE_LEGALE_COLUMNS
from .source import SourceFile
from .writer import UL_TABLE

NEEDED = ("siren", "denominationUniteLegale", "nomUniteLegale", "prenom1UniteLegale")


def load_unites_legales(path: Path, *, chunk_records: int = 500_000) -> int:
    """Fill the UNLOGGED table UL_TABLE(siren, denomination, nom, prenom)."""
    with SourceFile(path) as source:
        header = source.header
        missing = [name for name in NEEDED if name not in header]
        if missing:
            raise ApplicationError(
                f"{Path(path).name} n'est pas un fichier StockUniteLegale "
                f"(il manque {', '.join(missing)})."
            )
        # as for établissements, no name from the file reaches SQL: columns go by position
        cols = Columns(header, STOCK_UNITE_LEGALE_COLUMNS)
        staging = sql.Identifier("sirene_ul_staging")
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS pg_temp.sirene_ul_staging, {UL_TABLE}")
            columns = staging_column_definitions(len(header))
            cursor.execute(
                sql.SQL("CREATE TEMP TABLE {} ({})").format(staging, columns).as_string(None)
            )
            copy_sql = sql.SQL("COPY {} ({}) FROM STDIN WITH (FORMAT csv)").format(
                staging, staging_columns(len(header))
            )
            for chunk in source.chunks(records=chunk_records):
                with cursor.cursor.copy(copy_sql) as copy:
                    copy.write(chunk.data)

            def nd(column: str) -> str:
                return f"NULLIF(NULLIF(btrim({cols.ref(column)}), ''), '[ND]')"

            siren = f"btrim({cols.ref('siren')})"
            usage = "nomUsageUniteLegale" if "nomUsageUniteLegale" in cols else "nomUniteLegale"
            # S608: UL_TABLE is a constant and the columns come from the layout, by position
            cursor.execute(
                f"""CREATE UNLOGGED TABLE {UL_TABLE} AS
                    SELECT DISTINCT ON ({siren}) {siren} AS siren,
                           {nd("denominationUniteLegale")} AS denomination,
                           COALESCE({nd(usage)}, {nd("nomUniteLegale")}) AS nom,
                           {nd("prenom1UniteLegale")} AS prenom
                    FROM sirene_ul_staging s ORDER BY {siren}"""  # noqa: S608
            )
            cursor.execute(f"CREATE UNIQUE INDEX ON {UL_TABLE} (siren)")
            cursor.execute(f"ANALYZE {UL_TABLE}")
            cursor.execute("DROP TABLE sirene_ul_staging")
            cursor.execute(f"SELECT count(*) FROM {UL_TABLE}")  # noqa: S608 (a constant name)
            return cursor.fetchone()[0]
