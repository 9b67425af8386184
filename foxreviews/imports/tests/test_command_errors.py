"""Every operator mistake gets one readable line and a non-zero exit, and writes nothing."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from foxreviews.core.tests.webserver import database_url
from foxreviews.imports.tests.insee_server import UNREACHABLE, closed_port

pytestmark = pytest.mark.slow  # each test runs manage.py in a process of its own
MANAGE = Path(__file__).resolve().parents[3] / "manage.py"


def _run(args: list[str], **env_changes) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url(), **env_changes}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, str(MANAGE), "import_entreprises_bulk", *args, "--no-progress"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.fixture
def simple_csv(tmp_path):
    path = tmp_path / "simple.csv"
    path.write_text("siret,nom\n73282932000074,Test\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{dir}"], "est un dossier, pas un fichier."),
        (["{csv}", "--rejects", "{dir}/missing/r.csv"], "fichier des lignes rejetées n'existe pas"),
        (["{csv}", "--rejects", "{dir}"], "est un dossier ; donnez un nom de fichier."),
        (["{csv}", "--skip-rows", "-5"], "--skip-rows ne peut pas être négatif (reçu -5)."),
        (["{csv}", "--max-rows", "-5"], "--max-rows doit valoir au moins 1 (reçu -5)."),
        (["{csv}", "--max-rows", "0"], "--max-rows doit valoir au moins 1 (reçu 0)."),
        (["{csv}", "--batch-size", "0"], "taille des lots doit être d'au moins 1 (reçu 0)."),
        (["{dir}/nothing.csv"], "Fichier introuvable :"),
        (["{csv}", "--unites-legales", "{dir}"], "est un dossier, pas un fichier."),
    ],
)  # fmt: skip
def test_a_bad_option_or_file_gets_one_line(tmp_path, simple_csv, args, message):
    args = [a.format(dir=tmp_path, csv=simple_csv) for a in args]
    done = _run(args)
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1, done.stderr
    assert message in done.stderr


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        # over TCP, or on the embedded server's Unix socket
        ({"port": 1}, "Connection refused|No such file or directory"),
        ({"host": "nohost.invalid"}, "failed to resolve host"),
        ({"user": "nobody_here"}, 'role "nobody_here" does not exist'),
        ({"dbname": "no_such_database"}, 'database "no_such_database" does not exist'),
    ],
)
def test_an_unreachable_database_gets_one_line(simple_csv, changes, message):
    done = _run([str(simple_csv)], DATABASE_URL=database_url(**changes))
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith("CommandError: database: ")
    assert re.search(message, done.stderr), done.stderr


@pytest.mark.django_db(transaction=True)
def test_a_database_without_the_tables_gets_one_line(simple_csv):
    name = f"{settings.DATABASES['default']['NAME']}_empty"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        done = _run([str(simple_csv)], DATABASE_URL=database_url(dbname=name))
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    assert done.returncode != 0
    assert done.stderr == (
        "CommandError: database: its tables are missing or older than this version; run "
        "`foxreviews manage migrate` (or `foxreviews up`) first\n"
    )


@pytest.mark.django_db(transaction=True)  # the command's failed run goes with the test
@pytest.mark.parametrize(("url", "reason"), UNREACHABLE)
def test_sync_insee_without_network_gets_one_line_within_ten_seconds(url, reason):
    url = url.format(port=closed_port())
    env = {**os.environ, "DATABASE_URL": database_url(), "INSEE_API_URL": url,
           "INSEE_API_KEY": "test-key", "INSEE_API_RATE": "10000/minute"}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    command = [sys.executable, str(MANAGE), "sync_insee", "--since", "2026-11-24",
               "--until", "2026-11-25", "--slices", "1"]  # fmt: skip
    started = time.monotonic()
    subprocess.run([*command[:3], "--help"], env=env, capture_output=True, timeout=120)
    starting = time.monotonic() - started  # Python and Django starting, on this machine now
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    elapsed = time.monotonic() - started
    assert done.returncode != 0
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(
        f"CommandError: INSEE's API is out of reach at {url}/: {reason}"
    ), done.stderr
    # the default backoff (6 attempts from 2 s) took a minute; a loaded machine (two suites
    # side by side in CI) may take seconds to start the command: that is not the wait
    assert elapsed - starting <= 10, (elapsed, starting)
