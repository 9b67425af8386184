"""`foxreviews restore FILE --into NAME`: a backup into a new database, checked."""

from django.core.management.base import BaseCommand, CommandError

from foxreviews.backups.postgres_tools import ToolMissing
from foxreviews.backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup (FILE.dump, its manifest beside it) into a NEW database on the "
        "configured server: the SHA-256 is checked first, then every table's row count."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="FILE.dump, or s3://bucket/prefix/FILE.dump")
        parser.add_argument("--into", required=True, help="the new database's name")

    def handle(self, *args, **options):
        try:
            result = backup_restore(source=options["file"], into=options["into"])
        except (BackupError, ToolMissing) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"restored into {result.database}: {result.tables} tables, {result.rows:,} rows, "
            f"each table's count equal to the manifest's ({result.seconds:.1f} s)"
        )
