"""0007-0009: import state that lived in JSON lands in its typed columns, rows of a running
sync and of a finished upload included."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.services import upload_folder

BEFORE = [("imports", "0006_importlog_error")]
QUERY = "dateDernierTraitementEtablissement:[2026-11-24T00:00:00 TO 2026-11-24T12:00:00}"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_rows_move_from_json_to_columns():
    old = _migrate(BEFORE)
    OldLog = old.get_model("imports", "ImportLog")
    OldCheckpoint = old.get_model("imports", "ImportCheckpoint")
    sync = OldLog.objects.create(
        type="sirene_api",
        status="failed",
        stats={
            "window": {"since": "2026-11-24T00:00:00", "until": "2026-11-25T00:00:00"},
            "slices": 2,
            "resumable": True,
        },
    )
    OldCheckpoint.objects.create(
        file_key=f"insee:{sync.pk}:0",
        source=QUERY,
        import_log=sync,
        state={"q": QUERY, "cursor": "AoEpMzk4", "pages": 2, "total": 2_500,
               "rejects": [{"record": 7, "siret": "1", "reason": "siret_invalide", "detail": ""}]},
        counters={"counters": {"read": 2_000, "created": 1_999, "rejected": 1},
                  "reasons": {"siret_invalide": 1}},
    )  # fmt: skip
    upload = OldLog.objects.create(type="csv", status="partial", source="liste.csv", stats={})
    rejects = upload_folder() / f"{upload.pk}.rejected.csv"
    rejects.write_text("line,siret,reason,detail\n3,1,siret_invalide,\n")
    OldLog.objects.filter(pk=upload.pk).update(
        stats={"dry_run": True, "rows_total": 3, "file_name": "liste.csv",
               "rejects_file": str(rejects), "elapsed_seconds": 1.5}
    )  # fmt: skip
    dropped = {"indexes": [{"name": "i", "definition": "CREATE INDEX i ON t (c)"}],
               "foreign_keys": []}  # fmt: skip
    OldCheckpoint.objects.create(
        file_key="abc",
        source="/data/stock.csv",
        import_log=OldLog.objects.create(type="sirene_stock", status="running"),
        state={"dropped": dropped},
        counters={"counters": {"read": 10}, "reasons": {}, "elapsed": 12.5},
    )

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    sync = ImportLog.objects.get(pk=sync.pk)
    paris = timezone.get_default_timezone()
    assert (sync.resumable, sync.window_since, sync.window_until, sync.stats) == (
        True,
        dt.datetime(2026, 11, 24, tzinfo=paris),
        dt.datetime(2026, 11, 25, tzinfo=paris),
        {"slices": 2},
    )
    slice_ = ImportCheckpoint.objects.get(file_key=f"insee:{sync.pk}:0")
    assert (slice_.source, slice_.cursor, slice_.pages, slice_.total) == (
        QUERY, "AoEpMzk4", 2, 2_500,
    )  # fmt: skip
    assert slice_.rejected_examples == [
        {"record": 7, "siret": "1", "reason": "siret_invalide", "detail": ""}
    ]
    assert slice_.counters["counters"]["read"] == 2_000
    upload = ImportLog.objects.get(pk=upload.pk)
    assert (upload.dry_run, upload.rows_total, upload.resumable) == (True, 3, False)
    assert upload.stats == {"elapsed_seconds": 1.5}
    assert upload.rejects_file.read() == b"line,siret,reason,detail\n3,1,siret_invalide,\n"
    assert not rejects.exists()  # moved into the storage
    upload.rejects_file.delete()
    bulk = ImportCheckpoint.objects.get(file_key="abc")
    assert (bulk.dropped, bulk.elapsed_seconds, bulk.cursor) == (dropped, 12.5, "")
    assert bulk.counters == {"counters": {"read": 10}, "reasons": {}}
    assert bulk.import_log.resumable is False
