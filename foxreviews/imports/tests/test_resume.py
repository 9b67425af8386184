"""kill -9 in the middle of a bulk import, run it again: the rows of an uninterrupted run."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from foxreviews.core.tests.webserver import database_url, raw_connection
from foxreviews.imports.models import ImportCheckpoint, ImportLog
from foxreviews.imports.sirene import lock
from foxreviews.imports.sirene.bulk import BulkImportOptions, sirene_bulk_import
from foxreviews.imports.sirene.generator import generate

ROWS = 20_000
MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def _snapshot() -> tuple[list, list]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT siret, nom, enseigne, naf_code, adresse, code_postal, ville_id, "
            "etat_administratif, date_creation FROM enterprise_entreprise ORDER BY siret"
        )
        entreprises = cursor.fetchall()
        cursor.execute(
            "SELECT e.siret, p.sous_categorie_id, p.ville_id, p.is_active "
            "FROM enterprise_prolocalisation p JOIN enterprise_entreprise e "
            "ON e.id = p.entreprise_id ORDER BY 1, 2, 3"
        )
        return entreprises, cursor.fetchall()


def _clear_directory() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE enterprise_entreprise, enterprise_prolocalisation CASCADE")
    ImportCheckpoint.objects.all().delete()
    ImportLog.objects.all().delete()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_killed_import_resumes_with_no_row_lost_or_doubled(tmp_path):
    call_command("load_reference_data", stdout=open(os.devnull, "w"))  # noqa: SIM115
    stock = tmp_path / "StockEtablissement_utf8.csv"
    generate(rows=ROWS, out=stock, seed=11)

    options = BulkImportOptions(progress=False, batch_size=250, rejects_path=tmp_path / "a.csv")
    uninterrupted = sirene_bulk_import(path=stock, options=options)
    expected = _snapshot()
    assert uninterrupted.counters.read == ROWS
    _clear_directory()

    env = {**os.environ, "DATABASE_URL": database_url()}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    rejects = str(tmp_path / "b.csv")
    command = [sys.executable, str(MANAGE), "import_entreprises_bulk", str(stock),
               "--batch-size", "100", "--no-progress", "--rejects", rejects]  # fmt: skip
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    # Freeze the import in the middle of a chunk, then kill it there: once a quarter is in,
    # another session locks the checkpoint table, so the next chunk's transaction waits, open,
    # on its checkpoint. No race with a fast import finishing first.
    blocker = raw_connection()
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            checkpoint = ImportCheckpoint.objects.first()
            if checkpoint and checkpoint.records_done >= ROWS // 4:
                break
            time.sleep(0.02)
        blocker.execute("BEGIN")
        blocker.execute("LOCK TABLE imports_importcheckpoint IN EXCLUSIVE MODE")
        while time.monotonic() < deadline and process.poll() is None:
            waiting = blocker.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE %s "
                "AND datname = current_database() AND wait_event_type = 'Lock'",
                [f"{lock.APPLICATION_NAME} %"],
            ).fetchone()[0]
            if waiting:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        blocker.close()  # the dead run's chunk goes on, then rolls back: its client is gone
    assert process.returncode == -signal.SIGKILL, process.stdout.read().decode()
    killed_at = ImportCheckpoint.objects.get().records_done
    assert ROWS // 4 <= killed_at < ROWS

    resumed = sirene_bulk_import(
        path=stock,
        options=BulkImportOptions(progress=False, batch_size=250, rejects_path=tmp_path / "b.csv"),
    )
    assert resumed.resumed_from == killed_at
    # its rate is its own: the records it read, over its own time
    assert resumed.run_read == ROWS - killed_at
    assert resumed.rows_per_second == pytest.approx(resumed.run_read / resumed.elapsed)
    assert resumed.total_elapsed > resumed.elapsed
    assert _snapshot() == expected
    assert resumed.counters.read == ROWS
    assert resumed.counters.created == uninterrupted.counters.created
    assert resumed.counters.rejected == uninterrupted.counters.rejected
    # the rejected-rows file holds each rejected row once, as in the uninterrupted run
    assert (tmp_path / "b.csv").read_text() == (tmp_path / "a.csv").read_text()
    assert ImportCheckpoint.objects.get().status == ImportCheckpoint.Status.DONE
