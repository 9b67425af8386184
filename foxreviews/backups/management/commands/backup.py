"""`foxreviews backup`: a pg_dump of the database with its manifest, then retention."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from foxreviews.backups.postgres_tools import ToolMissing
from foxreviews.backups.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump -Fc, a manifest with each table's rows and the SHA-256) "
        "to BACKUP_DIR or the S3 bucket; keep the last BACKUP_KEEP_DAILY daily and "
        "BACKUP_KEEP_WEEKLY weekly backups."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="this folder instead of the destination")

    def handle(self, *args, **options):
        try:
            result = backup_create(folder=options["dir"])
        except (BackupError, ToolMissing) as exc:
            raise CommandError(str(exc)) from None
        manifest, where = result.manifest, result.destination.rstrip("/")
        self.stdout.write(
            f"{where}/{result.dump}: {manifest['size_bytes'] / 2**20:,.1f} MiB, "
            f"{len(manifest['tables'])} tables, {sum(manifest['tables'].values()):,} rows, "
            f"{manifest['seconds']:.1f} s; retention deleted {len(result.deleted)} file(s)"
        )
