"""Load the vendored reference data: geography (COG, codes postaux), the NAF taxonomy and the
trade vocabulary the search reads visitors' words with."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from foxreviews.category.services import taxonomy_load, vocabulary_load
from foxreviews.location.autocomplete import autocomplete_cache_clear
from foxreviews.location.services import geography_load
from foxreviews.orders.services import tarifs_load


class Command(BaseCommand):
    help = (
        "Load régions, départements, villes, codes postaux, the NAF taxonomy, the trade "
        "vocabulary and the sponsorship price grid (idempotent)."
    )

    def handle(self, *args, **options):
        started = time.monotonic()
        try:
            with transaction.atomic():
                results = {**geography_load(), **taxonomy_load(), **vocabulary_load()}
                results["tarifs"] = tarifs_load()
            if results["villes"]["created"] or results["villes"]["updated"]:
                autocomplete_cache_clear()
        except (OSError, ValueError, DatabaseError) as exc:
            raise CommandError(f"reference data not loaded: {exc}") from exc
        summary = ", ".join(
            f"{name} +{counts['created']}/~{counts['updated']}" for name, counts in results.items()
        )
        self.stdout.write(
            f"reference data loaded in {time.monotonic() - started:.1f}s "
            f"(created/updated): {summary}"
        )
