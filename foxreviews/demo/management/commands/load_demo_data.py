"""Load the demo data set (once) on top of the reference data."""

import time

from django.core.management.base import BaseCommand, CommandError

from foxreviews.core.exceptions import ApplicationError
from foxreviews.demo.services import demo_data_load


class Command(BaseCommand):
    help = "Create a realistic demo data set (entreprises, pro-localisations, avis); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=3000, help="entreprises (default 3000)")
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, count, seed, **options):
        started = time.monotonic()
        try:
            created = demo_data_load(count=count, seed=seed)
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        if not any(created.values()):
            self.stdout.write("demo data already loaded: nothing to do")
            return
        summary = ", ".join(f"{name} +{n}" for name, n in created.items())
        self.stdout.write(f"demo data loaded in {time.monotonic() - started:.1f}s: {summary}")
