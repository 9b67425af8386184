"""python manage.py import_entreprises_bulk FILE: the SIRENE stock file (or the simple CSV)."""

from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, ProgrammingError

from foxreviews.core.exceptions import ApplicationError
from foxreviews.imports.errors import one_line
from foxreviews.imports.sirene.bulk import BulkImportOptions, BulkImportResult, sirene_bulk_import


class Command(BaseCommand):
    help = (
        "Import établissements from INSEE's StockEtablissement file (.csv or .zip) or the "
        "platform's simple CSV; resumable: run it again after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--batch-size", type=int, default=200_000, help="records per chunk")
        parser.add_argument("--max-rows", type=int, default=None)
        parser.add_argument("--skip-rows", type=int, default=0, help="start after N records")
        parser.add_argument("--dry-run", action="store_true", help="validate and report only")
        parser.add_argument("--only-active", action="store_true", help="skip closed (état F)")
        parser.add_argument("--unites-legales", type=Path, default=None,
                            help="StockUniteLegale file, for legal names")  # fmt: skip
        parser.add_argument("--rejects", type=Path, default=None, help="rejected-rows CSV")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options):
        try:
            result = sirene_bulk_import(
                path=options["file"],
                options=BulkImportOptions(
                    batch_size=options["batch_size"],
                    max_rows=options["max_rows"],
                    skip_rows=options["skip_rows"],
                    dry_run=options["dry_run"],
                    only_active=options["only_active"],
                    unites_legales=options["unites_legales"],
                    rejects_path=options["rejects"],
                    progress=not options["no_progress"],
                ),
            )
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        except ProgrammingError as exc:
            if isinstance(
                exc.__cause__, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedColumn
            ):
                raise CommandError(
                    "database: its tables are missing or older than this version; run "
                    "`foxreviews manage migrate` (or `foxreviews up`) first"
                ) from None
            raise CommandError(f"database: {one_line(exc)}") from None
        except DatabaseError as exc:
            raise CommandError(f"database: {one_line(exc)}") from None
        except OSError as exc:  # the disk: full, unreadable, gone
            raise CommandError(one_line(exc)) from None
        self._report(result, dry_run=options["dry_run"])

    def _report(self, result: BulkImportResult, *, dry_run: bool) -> None:
        c = result.counters
        prefix = "dry run (nothing written): " if dry_run else ""
        for note in result.notes:
            self.stdout.write(note)
        if result.resumed_from:
            self.stdout.write(f"resumed after record {result.resumed_from:,}")
        self.stdout.write(
            f"{prefix}read {c.read:,}, created {c.created:,}, updated {c.updated:,}, "
            f"unchanged {c.unchanged:,}, rejected {c.rejected:,}, "
            f"skipped closed {c.skipped_closed:,}, duplicates {c.duplicates_in_file:,}; "
            f"pro-localisations created {c.prolocalisations_created:,}, "
            f"activated {c.prolocalisations_activated:,}, "
            f"deactivated {c.prolocalisations_deactivated:,}; "
            f"without commune {c.sans_commune:,}, unknown commune {c.commune_inconnue:,}, "
            f"NAF not mapped {c.naf_non_mappe:,}"
        )
        timing = (
            f"this run: {result.run_read:,} rows in {result.elapsed:.1f}s "
            f"({result.rows_per_second:,.0f} rows/s, indexes {result.index_seconds:.1f}s)"
        )
        if result.resumed_from:
            timing += f"; all runs: {c.read:,} rows in {result.total_elapsed:.1f}s"
        self.stdout.write(timing)
        if c.reasons:
            reasons = ", ".join(f"{k} {v:,}" for k, v in sorted(c.reasons.items()))
            self.stdout.write(f"rejected by reason: {reasons}")
        if result.rejects_path:
            self.stdout.write(f"rejected rows: {result.rejects_path}")
        if result.import_log_id:
            self.stdout.write(f"ImportLog #{result.import_log_id}")
