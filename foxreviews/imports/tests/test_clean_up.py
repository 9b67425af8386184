"""The Sunday clean-up: ImportLogs after 90 days, uploaded files after 30, nothing younger."""

import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.services import upload_folder
from foxreviews.imports.tasks import imports_clean_up

pytestmark = pytest.mark.django_db


def _log(days: int, *, status="success", with_file=True) -> ImportLog:
    log = ImportLog(type="csv", status=status, source=f"{days}.csv")
    if with_file:
        log.file.save(f"{days}.csv", ContentFile(b"siret,nom\n"), save=False)
    log.save()
    (upload_folder() / f"{log.pk}.csv").write_text("siret,nom\n")  # the worker's copy
    log.rejects_file.save(f"{log.pk}.rejected.csv", ContentFile(b"line,siret,reason,detail\n"))
    ImportLog.objects.filter(pk=log.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    return log


def test_only_what_is_old_is_deleted():
    ancient, old, recent = _log(91), _log(31), _log(29)
    running = _log(200, status="running")
    ImportCheckpoint.objects.create(file_key="k", source="s", import_log=ancient)
    paths = {log.pk: log.file.path for log in (ancient, old, recent, running)}
    rejects = {log.pk: log.rejects_file.path for log in (ancient, old, recent)}

    assert imports_clean_up.delay().get() == {"import_logs": 1, "files": 2}

    assert not ImportLog.objects.filter(pk=ancient.pk).exists()
    assert not ImportCheckpoint.objects.exists()
    old.refresh_from_db()
    assert old.file.name == old.rejects_file.name == "" and old.stats["file_deleted"] is True
    assert old.rows_read == 0 and old.status == "success"  # the log itself stays
    recent.refresh_from_db()
    assert recent.file.name != "" and recent.stats.get("file_deleted") is None
    running.refresh_from_db()
    assert running.file.name != ""  # a run still going keeps everything
    exists = {pk: os.path.exists(path) for pk, path in paths.items()}
    assert exists == {ancient.pk: False, old.pk: False, recent.pk: True, running.pk: True}
    exists = {pk: os.path.exists(path) for pk, path in rejects.items()}
    assert exists == {ancient.pk: False, old.pk: False, recent.pk: True}
    copies = {log.pk: (upload_folder() / f"{log.pk}.csv").exists()
              for log in (ancient, old, recent)}  # fmt: skip
    assert copies == {ancient.pk: False, old.pk: False, recent.pk: True}
