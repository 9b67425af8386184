"""One import at a time until its last foreign key, a rerun after `kill -9` that waits for the
dead run's last statements, and failed runs that say so."""

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.tests.webserver import database_url, raw_connection
from foxreviews.enterprise.models import Entreprise
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.services import INTERRUPTED
from foxreviews.imports.sirene import lock
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import
from foxreviews.imports.sirene.generator import generate

from .stock_rows import row, siret, write_stock

MANAGE = Path(__file__).resolve().parents[3] / "manage.py"
ROWS = 5_000


def _foreign_keys() -> dict[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, convalidated FROM pg_constraint WHERE contype = 'f' AND "
            "conrelid::regclass::text IN ('enterprise_entreprise', 'enterprise_prolocalisation')"
        )
        return dict(cursor.fetchall())


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN "
            "('enterprise_entreprise', 'enterprise_prolocalisation')"
        )
        return {name for (name,) in cursor.fetchall()}


def _wait_for(query: str, params: list, *, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    with raw_connection() as probe:
        while time.monotonic() < deadline:
            if probe.execute(query, params).fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError(f"never true: {query}")


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_lock_holds_through_the_rebuild_and_a_rerun_after_kill_finishes_it(tmp_path, caplog):
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    foreign_keys, indexes = _foreign_keys(), _indexes()
    assert all(foreign_keys.values()) and len(foreign_keys) >= 4
    stock = tmp_path / "StockEtablissement_utf8.csv"
    generate(rows=ROWS, out=stock, seed=4)

    env = {**os.environ, "DATABASE_URL": database_url()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, str(MANAGE), "import_entreprises_bulk", str(stock), "--no-progress",
               "--batch-size", "50", "--rejects", str(tmp_path / "a.csv")]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    blocker = raw_connection()
    try:
        # Once the first chunk is in (the foreign keys are dropped by then), another session
        # holds location_ville: the import loads, rebuilds its indexes, then waits to add its
        # foreign key to villes: the phase the lock used to miss.
        _wait_for(
            "SELECT EXISTS (SELECT 1 FROM imports_importcheckpoint WHERE records_done > 0)", []
        )
        blocker.execute("BEGIN")
        blocker.execute("LOCK TABLE location_ville IN ROW EXCLUSIVE MODE")
        _wait_for(
            "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE application_name LIKE %s "
            "AND datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE 'ALTER TABLE%%')",
            [f"{lock.APPLICATION_NAME} %"],
        )
        with pytest.raises(ApplicationError, match="Un autre import en masse est en cours"):
            sirene_bulk_import(
                path=stock,
                options=BulkImportOptions(progress=False, rejects_path=tmp_path / "b.csv"),
            )
    except BaseException:
        blocker.close()
        raise
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    assert ImportCheckpoint.objects.get().records_done == ROWS
    assert not all(_foreign_keys().get(name) for name in foreign_keys)  # not all back yet

    # the dead run's ALTER TABLE still waits in PostgreSQL; it may go on once the blocker ends
    threading.Timer(1.0, blocker.close).start()
    caplog.set_level(logging.WARNING, logger=lock.__name__)
    result = sirene_bulk_import(
        path=stock, options=BulkImportOptions(progress=False, rejects_path=tmp_path / "a.csv")
    )
    assert "last statement of an interrupted import" in caplog.text
    assert (result.resumed_from, result.run_read) == (ROWS, 0)
    assert _foreign_keys() == foreign_keys  # every one back, and validated
    assert _indexes() == indexes
    assert ImportCheckpoint.objects.get().status == ImportCheckpoint.Status.DONE
    assert Entreprise.objects.count() == result.counters.created > ROWS * 0.9


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_rerun_waits_for_the_index_build_of_a_dead_run(tmp_path, caplog):
    """A backend that still builds an index for a killed process holds INDEX_BUILD: the next
    import waits until it ends instead of colliding with it on the index name."""
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    orphan = raw_connection()
    orphan.execute(
        "SELECT set_config('application_name', %s, false)",
        [f"{lock.APPLICATION_NAME} {os.uname().nodename} {_dead_pid()}"],
    )
    orphan.execute("SELECT pg_advisory_lock_shared(%s, %s)", [lock.NAMESPACE, lock.INDEX_BUILD])
    threading.Timer(1.5, orphan.close).start()
    caplog.set_level(logging.WARNING, logger=lock.__name__)
    started = time.monotonic()
    path = write_stock(tmp_path / "stock.csv", [row(siret("12345678"))])
    result = sirene_bulk_import(
        path=path, options=BulkImportOptions(progress=False, rejects_path=tmp_path / "r.csv")
    )
    assert time.monotonic() - started >= 1.4
    assert "1 index build(s) of an interrupted import" in caplog.text
    assert result.counters.created == 1


@pytest.mark.django_db(transaction=True)
def test_a_live_import_elsewhere_is_not_taken_for_a_dead_one(tmp_path):
    other = raw_connection()
    other.execute(
        "SELECT set_config('application_name', %s, false)",
        [f"{lock.APPLICATION_NAME} another-host 1"],
    )
    other.execute("SELECT pg_advisory_lock(%s, %s)", [lock.NAMESPACE, lock.RUN])
    try:
        path = write_stock(tmp_path / "stock.csv", [row(siret("12345678"))])
        busy = r"Un autre import en masse est en cours \(processus PostgreSQL"
        with pytest.raises(ApplicationError, match=busy):
            sirene_bulk_import(path=path, options=BulkImportOptions(progress=False))
    finally:
        other.close()
    assert ImportLog.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_a_failed_import_says_failed_with_its_reason_and_a_rerun_resumes_it(tmp_path):
    good = [row(siret(f"1234567{n}")) for n in range(4)]
    path = write_stock(
        tmp_path / "stock.csv", [*good, row(siret("23456789"), enseigne1Etablissement="CAFÉ")]
    )
    raw = path.read_bytes()
    path.write_bytes(
        raw[: raw.rindex(b"CAF")] + "CAFÉ".encode("latin-1") + raw[raw.rindex(b"CAF") + 5 :]
    )
    options = BulkImportOptions(progress=False, batch_size=2, rejects_path=tmp_path / "r.csv")
    with pytest.raises(ApplicationError, match="la ligne 6 n'est pas en UTF-8"):
        sirene_bulk_import(path=path, options=options)
    log = ImportLog.objects.get()
    assert (log.status, log.rows_read, log.rows_created) == ("failed", 4, 4)
    assert log.error.startswith("la ligne 6 n'est pas en UTF-8")
    assert log.finished_at is not None

    with pytest.raises(ApplicationError):  # the rerun resumes: same log, failed again
        sirene_bulk_import(path=path, options=options)
    assert ImportLog.objects.get().status == "failed"


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
def test_a_killed_run_left_running_is_marked_interrupted_by_the_next_import(tmp_path):
    killed = ImportLog.objects.create(type=ImportLog.Type.SIRENE_STOCK, status="running")
    other_type = ImportLog.objects.create(type=ImportLog.Type.CSV, status="running")
    path = write_stock(tmp_path / "stock.csv", [row(siret("12345678"))])
    sirene_bulk_import(
        path=path, options=BulkImportOptions(progress=False, rejects_path=tmp_path / "r.csv")
    )
    killed.refresh_from_db()
    assert (killed.status, killed.error) == ("failed", INTERRUPTED)
    other_type.refresh_from_db()
    assert other_type.status == "running"
