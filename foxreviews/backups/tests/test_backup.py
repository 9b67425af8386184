"""A backup of the test database restored into a scratch database, compared; a corrupted dump,
an existing target and a count that differs refused, each with one line; the nightly task to an
S3-compatible bucket (moto's server, in a thread). They run pg_dump and pg_restore: slow."""

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from moto.server import ThreadedMotoServer
from psycopg import sql

from foxreviews.backups.postgres_tools import connect, connection_parameters
from foxreviews.backups.services import TABLES, backup_create
from foxreviews.backups.tasks import backup_nightly
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.tests.factories import EntrepriseFactory
from foxreviews.runtime.ports import free_port

pytestmark = pytest.mark.slow

NAMES = ["Boulangerie Lemaître", "Salon Clin d'Œil", "Plomberie de l'Île-de-France " + "é" * 60]


@pytest.fixture
def scratch():
    """Names for scratch databases, each dropped at the end whatever happened."""
    names = []
    yield lambda: names.append(f"{connection.settings_dict['NAME']}_r{len(names)}") or names[-1]
    with connect(connection_parameters()) as conn:
        conn.autocommit = True
        for name in names:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))  # fmt: skip


def rows(database: str) -> list[tuple]:
    with connect(connection_parameters(), database) as conn:
        return conn.execute(
            "SELECT siret, nom, adresse, ville_id FROM enterprise_entreprise ORDER BY siret"
        ).fetchall()


def database_exists(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def one_line_error(*args, **options) -> str:
    with pytest.raises(CommandError) as caught:
        call_command(*args, **options)
    message = str(caught.value)
    assert "\n" not in message
    return message


@pytest.mark.django_db(transaction=True)  # pg_dump reads what is committed
def test_backup_then_restore_into_a_new_database_gives_the_same_rows(tmp_path, scratch):
    # no commune of the factories' (69xxx): the real ones may be loaded, committed, already
    for name in NAMES:
        EntrepriseFactory(nom=name, ville=None)
    EntrepriseFactory.create_batch(40, ville=None)
    call_command("backup", dir=tmp_path)
    (dump,) = tmp_path.glob("*.dump")
    manifest = json.loads(dump.with_name(dump.stem + ".manifest.json").read_text())
    assert manifest["tables"]["public.enterprise_entreprise"] == 43
    assert manifest["pg_dump_major"] == connection.pg_version // 10000  # the server's own
    with connection.cursor() as cursor:  # every table of the database, each counted exactly
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert len(manifest["tables"]) == cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM location_ville")
        assert manifest["tables"]["public.location_ville"] == cursor.fetchone()[0]
    assert dump.stat().st_mode & 0o777 == 0o600

    target = scratch()
    call_command("restore", str(dump), into=target)
    restored = rows(target)
    assert restored == rows(connection.settings_dict["NAME"]) and len(restored) == 43
    assert {row[1] for row in restored} >= set(NAMES)

    # over an existing database: refused, and that database untouched
    message = one_line_error("restore", str(dump), into=target)
    assert message == f"refused: a database named {target} exists already; restore into a new name"
    assert len(rows(target)) == 43

    # a corrupted dump: refused before anything is created
    corrupted = tmp_path / "corrupted" / dump.name
    corrupted.parent.mkdir()
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    corrupted.write_bytes(bytes(data))
    manifest_path = dump.with_name(dump.stem + ".manifest.json")
    (corrupted.parent / manifest_path.name).write_text(manifest_path.read_text())
    untouched = scratch()
    message = one_line_error("restore", str(corrupted), into=untouched)
    assert message.startswith(f"refused: {dump.name} does not match its manifest (SHA-256 ")
    assert message.endswith("nothing was created")
    assert not database_exists(untouched)

    # the manifest says another count: the table is named, the database left for inspection
    manifest["tables"]["public.enterprise_entreprise"] = 44
    manifest_path.write_text(json.dumps(manifest))
    left = scratch()
    message = one_line_error("restore", str(dump), into=left)
    assert message == (
        "row counts differ: public.enterprise_entreprise: 44 in the manifest, 43 restored; "
        f"the database {left} is left for inspection (DROP DATABASE to remove it)"
    )
    assert database_exists(left)


@pytest.mark.django_db  # no rows of its own: the test's transaction is left open meanwhile
def test_the_nightly_task_backs_up_to_the_bucket_and_keeps_the_manifest_here(
    tmp_path, settings, monkeypatch, scratch
):
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                              aws_access_key_id="test", aws_secret_access_key="test")  # fmt: skip
        client.create_bucket(Bucket="sauvegardes")
        database = connection.settings_dict["NAME"]
        old = f"nuit/{database}-20200106T050000Z"  # a Monday long ago: retention drops it
        for suffix in (".dump", ".manifest.json"):
            client.put_object(Bucket="sauvegardes", Key=old + suffix, Body=b"{}")
        settings.BACKUP_DIR = str(tmp_path)
        settings.BACKUP_S3_BUCKET, settings.BACKUP_S3_PREFIX = "sauvegardes", "nuit"
        settings.BACKUP_S3_ENDPOINT_URL, settings.BACKUP_S3_REGION = endpoint, "us-east-1"
        settings.BACKUP_KEEP_DAILY, settings.BACKUP_KEEP_WEEKLY = 1, 1
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")  # boto3's usual credentials
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
        settings.BACKUP_S3_BUCKET = "absente"  # an upload that fails leaves no backup here
        message = one_line_error("backup")
        assert message.startswith("the backup could not be stored at s3://absente/nuit/: ")
        assert "NoSuchBucket" in message and list(tmp_path.iterdir()) == []
        settings.BACKUP_S3_BUCKET = "sauvegardes"
        dump = backup_nightly.delay().get()
        keys = sorted(
            item["Key"] for item in client.list_objects_v2(Bucket="sauvegardes")["Contents"]
        )
        stem = dump.removesuffix(".dump")
        assert keys == [f"nuit/{stem}.dump", f"nuit/{stem}.manifest.json"]
        body = client.get_object(Bucket="sauvegardes", Key=f"nuit/{dump}")["Body"].read()
        manifest = json.loads((tmp_path / f"{stem}.manifest.json").read_text())
        assert len(body) == manifest["size_bytes"] > 0
        assert sorted(path.name for path in Path(tmp_path).iterdir()) == [f"{stem}.manifest.json"]
        # restored from the bucket: downloaded beside the manifests, checked, then removed
        target = scratch()
        call_command("restore", f"s3://sauvegardes/nuit/{dump}", into=target)
        assert database_exists(target)
        assert sorted(path.name for path in Path(tmp_path).iterdir()) == [f"{stem}.manifest.json"]
        message = one_line_error("restore", f"s3://sauvegardes/{old}.dump", into=scratch())
        assert message.startswith(f"refused: s3://sauvegardes/{old}.dump: ")
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_rows_committed_while_the_backup_runs_are_neither_dumped_nor_counted(tmp_path, scratch):
    """The backup is made to wait on a lock of the first table it reads (the counts and pg_dump
    both), after its snapshot is taken; a row committed meanwhile must be in neither: the counts
    are the snapshot's, not those of the moment they run (counted in READ COMMITTED, this fails
    with 4 == 3). pg_dump's own snapshot would follow the exported one by milliseconds: that it
    takes the exported one (--snapshot) is not told apart here."""
    first_row = EntrepriseFactory.create_batch(3, ville=None)[0]
    params = connection_parameters()
    with connect(params) as conn:
        schema, first = conn.execute(TABLES).fetchone()
    with connect(params) as locker:
        locker.execute(sql.SQL("LOCK TABLE {}.{} IN ACCESS EXCLUSIVE MODE").format(
            sql.Identifier(schema), sql.Identifier(first)))  # fmt: skip
        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(backup_create, folder=tmp_path)
            deadline = time.monotonic() + 30
            while waiting_on(locker, first) < 2:  # the counting transaction and pg_dump
                assert time.monotonic() < deadline and not running.done(), "the backup never waited"
                time.sleep(0.05)
            Entreprise.objects.filter(pk=first_row.pk).update(nom="Après")  # committed at once
            EntrepriseFactory(nom="Arrivée pendant la sauvegarde", ville=None)
            locker.rollback()
            result = running.result(timeout=60)
    assert result.manifest["tables"]["public.enterprise_entreprise"] == 3
    target = scratch()
    call_command("restore", str(tmp_path / result.dump), into=target)
    names = {row[1] for row in rows(target)}
    assert len(names) == 3 and first_row.nom in names and "Après" not in names


def waiting_on(conn, table: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE NOT l.granted AND c.relname = %s",
        [table],
    ).fetchone()[0]
