"""foxreviews sync-insee [--since DATE] [--until DATE]: the établissements INSEE changed."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from foxreviews.core.exceptions import ApplicationError
from foxreviews.imports.errors import one_line
from foxreviews.imports.insee.sync import DATE_FORMAT, insee_sync, parse_moment, run_window
from foxreviews.imports.models import ImportCheckpoint


class Command(BaseCommand):
    help = (
        "Sync the établissements INSEE's API Sirene changed in a window (by default: since the "
        "last sync, or since yesterday 00:00). Run it again after an interruption: it resumes "
        "from its last page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--since", type=str, default=None, help="2026-11-24[T06:00:00]")
        parser.add_argument("--until", type=str, default=None, help="default: now")
        parser.add_argument("--slices", type=int, default=settings.INSEE_SYNC_SLICES,
                            help="parts of the window, each paged with its own cursor")  # fmt: skip

    def handle(self, *args, **options):
        def page_done(checkpoint: ImportCheckpoint) -> None:
            self.stderr.write(
                f"{checkpoint.source}: page {checkpoint.pages}, "
                f"{checkpoint.records_done:,}/{checkpoint.total or 0:,}"
            )

        try:
            since = parse_moment(options["since"]) if options["since"] else None
            until = parse_moment(options["until"]) if options["until"] else None
            run = insee_sync(since=since, until=until, slices=options["slices"], on_page=page_done)
        except ApplicationError as exc:
            raise CommandError(exc.message) from None
        except DatabaseError as exc:
            raise CommandError(f"database: {one_line(exc)}") from None
        since, until = run_window(run)
        self.stdout.write(
            f"{since:{DATE_FORMAT}} → {until:{DATE_FORMAT}}: read {run.rows_read:,}, "
            f"created {run.rows_created:,}, updated {run.rows_updated:,}, "
            f"unchanged {run.rows_unchanged:,}, rejected {run.rows_rejected:,} "
            f"in {run.stats['pages']} page(s); ImportLog #{run.pk}"
        )
