"""The nightly backup (thin entry point; the beat schedule is in settings)."""

from foxreviews.core.tasks import maintenance_task

from .services import backup_create


@maintenance_task("foxreviews.backups.tasks.backup_nightly", time_limit=3600)
def backup_nightly() -> str:
    return backup_create().dump
