"""Write a realistic synthetic StockEtablissement file (for tests, demos and benchmarks)."""

from django.core.management.base import BaseCommand, CommandError

from foxreviews.imports.sirene.generator import add_arguments, generate_and_report


class Command(BaseCommand):
    help = "Generate a StockEtablissement file in INSEE's layout (deterministic with --seed)."

    def add_arguments(self, parser):
        add_arguments(parser)

    def handle(self, *args, rows, out, seed, bom, no_naf25, **options):
        try:
            line = generate_and_report(rows=rows, out=out, seed=seed, bom=bom, no_naf25=no_naf25)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(line)
