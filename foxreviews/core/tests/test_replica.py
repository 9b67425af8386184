"""With DATABASE_REPLICA_URL, the web process reads from the replica and writes to the primary;
a read inside a transaction stays on the primary. The "replica" is a second database on the
same server, migrated like the primary and holding rows the primary does not."""

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from foxreviews.core.tests.webserver import database_url, raw_connection, web_process

pytestmark = [pytest.mark.slow, pytest.mark.django_db]
MANAGE = Path(__file__).resolve().parents[3] / "manage.py"
ONLY_ON_REPLICA = "12345678200010"
WRITTEN = "98765432100015"

SCRIPT = f"""
import json
from django.db import transaction
from foxreviews.enterprise.models import Entreprise

def make(siret, nom):
    return dict(siret=siret, siren=siret[:9], nic=siret[9:], nom=nom)

Entreprise.objects.using("replica").create(**make("{ONLY_ON_REPLICA}", "Seulement sur la réplique"))
Entreprise.objects.create(**make("{WRITTEN}", "Écrite sur le primaire"))
seen = {{
    "replica_row_read": Entreprise.objects.filter(siret="{ONLY_ON_REPLICA}").exists(),
    "written_row_read": Entreprise.objects.filter(siret="{WRITTEN}").exists(),
    "written_on_primary": Entreprise.objects.using("default").filter(siret="{WRITTEN}").exists(),
}}
with transaction.atomic():
    seen["written_row_read_in_a_transaction"] = (
        Entreprise.objects.filter(siret="{WRITTEN}").exists()
    )
Entreprise.objects.using("default").filter(siret="{WRITTEN}").delete()
print(json.dumps(seen))
"""


@pytest.fixture
def replica_url():
    name = f"{connection.settings_dict['NAME']}_replica"
    with raw_connection() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = database_url(dbname=name)
    try:
        _manage(["migrate", "--no-input"], DATABASE_URL=url)
        yield url
    finally:
        with raw_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _manage(args, **env_changes) -> str:
    env = {**os.environ, "DJANGO_SECRET_KEY": "test-only", **env_changes}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    done = subprocess.run([sys.executable, str(MANAGE), *args], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_reads_go_to_the_replica_and_writes_to_the_primary(replica_url):
    out = _manage(["shell", "-c", SCRIPT], DATABASE_URL=database_url(),
                  DATABASE_REPLICA_URL=replica_url, FOXREVIEWS_PROCESS="web")  # fmt: skip
    assert json.loads(out.strip().splitlines()[-1]) == {
        "replica_row_read": True,  # read from the replica
        "written_row_read": False,  # written to the primary, which the reads do not see
        "written_on_primary": True,
        "written_row_read_in_a_transaction": True,  # inside a transaction: the primary
    }
    with web_process(DATABASE_REPLICA_URL=replica_url) as port:
        base = f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{base}/api/entreprises/{ONLY_ON_REPLICA}/") as response:
            assert json.loads(response.read())["nom"] == "Seulement sur la réplique"
        with urllib.request.urlopen(f"{base}/health/") as response:
            assert json.loads(response.read())["checks"]["replica"]["ok"] is True


def test_without_the_variable_there_is_no_replica():
    from django.db import connections

    assert "replica" not in connections
