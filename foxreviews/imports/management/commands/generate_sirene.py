"""Write a realistic synthetic StockEtablissement file (for tests, demos and benchmarks)."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from foxreviews.imports.sirene.generator import generate


class Command(BaseCommand):
    help = "Generate a StockEtablissement file in INSEE's layout (deterministic with --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--out", type=Path, required=True, help=".csv or .zip")
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--bom", action="store_true", help="start with a UTF-8 BOM")
        parser.add_argument(
            "--no-naf25", action="store_true", help="the 53-column layout of older files"
        )

    def handle(self, *args, rows, out, seed, bom, no_naf25, **options):
        if rows < 1:
            raise CommandError("--rows must be at least 1")
        if not out.parent.exists():
            raise CommandError(f"no such folder: {out.parent}")
        started = time.monotonic()
        generate(rows=rows, out=out, seed=seed, bom=bom, with_naf25=not no_naf25)
        self.stdout.write(
            f"wrote {rows:,} rows to {out} ({out.stat().st_size / 1e6:,.1f} MB) "
            f"in {time.monotonic() - started:.1f}s"
        )
