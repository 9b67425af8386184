"""Backups of the platform's database and their verified restore.

`backup_create`: pg_dump (custom format) in a snapshot exported by a REPEATABLE READ transaction,
which counts every table's rows in that same snapshot meanwhile; then the dump's SHA-256, and a
manifest beside it (`<stem>.manifest.json`); then retention (retention.py) at the destination.
`backup_restore`: the checksum first, then a NEW database, pg_restore, and every table's row
count compared with the manifest's.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import structlog
from django.conf import settings
from psycopg import sql

from foxreviews.core.paths import BACKUP_MANIFEST_SUFFIX

from .destinations import DUMP_SUFFIX, FolderDestination, configured_destination, local_copy
from .errors import BackupError
from .postgres_tools import client_env, connect, connection_parameters, conninfo, find_tool
from .retention import backups_to_keep

logger = structlog.get_logger(__name__)

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
BACKUP_NAME = re.compile(r"^(?P<database>.+)-(?P<stamp>\d{8}T\d{6}Z)(?:\.dump|\.manifest\.json)$")
# every table pg_dump writes the rows of: the schemas' own tables, not the catalogs' nor an
# extension's (CREATE EXTENSION recreates those); a partitioned table counts all its partitions
TABLES = """
    SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname <> 'information_schema'
      AND n.nspname NOT LIKE 'pg\\_%'
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                      AND d.objid = c.oid AND d.deptype = 'e')
    ORDER BY 1, 2
"""
STALE_PARTIAL_SECONDS = 24 * 3600  # a backup killed midway (a task's hard time limit) leaves one
POSTGRES_NAME_BYTES = 63  # a longer name is cut by PostgreSQL: it could name another database


@dataclass
class BackupResult:
    dump: str
    destination: str
    manifest: dict
    deleted: list[str] = field(default_factory=list)


@dataclass
class RestoreResult:
    database: str
    tables: int
    rows: int
    seconds: float


def backup_create(*, folder: Path | None = None, now: datetime | None = None) -> BackupResult:
    """Dump the default database into `folder` (else the configured destination), then apply
    the retention there."""
    database = connection_parameters()
    destination = configured_destination(folder)
    staging = folder or Path(settings.BACKUP_DIR)
    staging.mkdir(mode=0o700, parents=True, exist_ok=True)
    remove_stale_partials(staging)
    started = time.perf_counter()
    now = now or datetime.now(UTC)
    stem = f"{database['dbname']}-{now.strftime(STAMP_FORMAT)}"
    dump, partial = staging / f"{stem}{DUMP_SUFFIX}", staging / f"{stem}{DUMP_SUFFIX}.partial"
    try:
        # created first, for its mode: pg_dump writes into it and keeps it (personal data)
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        manifest = _dump(database, partial)
        manifest.update(
            database=database["dbname"],
            created_at=now.isoformat(timespec="seconds"),
            dump=dump.name,
            size_bytes=partial.stat().st_size,
            sha256=file_sha256(partial),
        )
        partial.rename(dump)
    finally:
        partial.unlink(missing_ok=True)
    manifest["seconds"] = round(time.perf_counter() - started, 1)
    manifest_path = _write_manifest(staging / f"{stem}{BACKUP_MANIFEST_SUFFIX}", manifest)
    try:
        destination.put(dump)
        destination.put(manifest_path)  # last: a manifest at the destination: a whole backup
    except Exception as exc:
        if not isinstance(destination, FolderDestination):  # a folder's put cannot fail
            manifest_path.unlink()  # not a backup /health/ may count
            dump.unlink()
        why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BackupError(
            f"the backup could not be stored at {destination.description}: {why}"
        ) from exc
    deleted = prune(destination, database=database["dbname"])
    if not isinstance(destination, FolderDestination):
        dump.unlink()  # uploaded; the manifest stays here: /health/ reads the last one's age
        prune(FolderDestination(staging), database=database["dbname"])
    logger.info("backup written", dump=dump.name, destination=destination.description,
                size_bytes=manifest["size_bytes"], seconds=manifest["seconds"])  # fmt: skip
    return BackupResult(dump.name, destination.description, manifest, deleted)


def remove_stale_partials(folder: Path, *, now: float | None = None) -> list[str]:
    """The `.partial` files of backups killed midway, a day old; a running one's is younger."""
    limit = (now or time.time()) - STALE_PARTIAL_SECONDS
    stale = [path for path in folder.glob("*.partial") if path.stat().st_mtime < limit]
    for path in stale:
        path.unlink(missing_ok=True)
    return sorted(path.name for path in stale)


def prune(destination, *, database: str) -> list[str]:
    """Delete the backups of `database` retention does not keep (dump and manifest); the names
    deleted. Only backups whose manifest is there count (a dump alone is being written)."""
    names = destination.names()
    stamps = {}
    for name in names:
        match = BACKUP_NAME.match(name)
        if match and match["database"] == database and name.endswith(BACKUP_MANIFEST_SUFFIX):
            stamps[datetime.strptime(match["stamp"], STAMP_FORMAT).replace(tzinfo=UTC)] = match[
                "stamp"
            ]
    keep = backups_to_keep(
        stamps, daily=settings.BACKUP_KEEP_DAILY, weekly=settings.BACKUP_KEEP_WEEKLY
    )
    dropped = {stamps[stamp] for stamp in stamps if stamp not in keep}
    doomed = sorted(
        name
        for name in names
        if (match := BACKUP_NAME.match(name))
        and match["database"] == database
        and match["stamp"] in dropped
    )
    destination.delete(doomed)
    return doomed


def backup_restore(*, source: str, into: str) -> RestoreResult:
    """Restore the backup `source` (a path, or `s3://bucket/key.dump`) into the new database
    `into` on the configured server, and check it."""
    with local_copy(source) as dump:
        return _restore(dump, into)


def _restore(dump: Path, into: str) -> RestoreResult:
    started = time.perf_counter()
    manifest = read_manifest(dump)
    actual = file_sha256(dump)
    if actual != manifest["sha256"]:
        raise BackupError(
            f"refused: {dump.name} does not match its manifest (SHA-256 {actual[:16]}…, expected "
            f"{manifest['sha256'][:16]}…): the file is corrupted or not that backup; nothing was "
            "created"
        )
    if not into or len(into.encode()) > POSTGRES_NAME_BYTES:
        raise BackupError(f"refused: a database name has 1 to {POSTGRES_NAME_BYTES} bytes")
    database = connection_parameters()
    with connect(database) as conn:
        conn.autocommit = True
        tool = find_tool("pg_restore", conn.info.server_version // 10000)
        try:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0").format(sql.Identifier(into))
            )
        except psycopg.errors.DuplicateDatabase:
            raise BackupError(
                f"refused: a database named {into} exists already; restore into a new name"
            ) from None
    left = f"the database {into} is left for inspection (DROP DATABASE to remove it)"
    with tempfile.TemporaryFile() as errors:
        command = [str(tool.path), "--no-owner", "--no-privileges", "--exit-on-error",
                   f"--jobs={settings.BACKUP_RESTORE_JOBS}",
                   f"--dbname={conninfo(database, into)}", str(dump)]  # fmt: skip
        if subprocess.run(command, env=client_env(database), stderr=errors).returncode:
            errors.seek(0)
            lines = errors.read().decode(errors="replace").strip().splitlines() or ["no message"]
            raise BackupError(f"pg_restore failed ({lines[-1].strip()}); {left}")
    with connect(database, into) as conn:
        conn.autocommit = True
        conn.execute("ANALYZE")  # the planner's statistics, which a restore does not bring
        restored = row_counts(conn)
    expected = manifest["tables"]
    differ = [
        f"{table}: {expected.get(table, 'absent')} in the manifest, "
        f"{restored.get(table, 'absent')} restored"
        for table in sorted(set(expected) | set(restored))
        if expected.get(table) != restored.get(table)
    ]
    if differ:
        raise BackupError(f"row counts differ: {'; '.join(differ)}; {left}")
    seconds = round(time.perf_counter() - started, 1)
    logger.info("backup restored", dump=dump.name, database=into, seconds=seconds)
    return RestoreResult(into, len(restored), sum(restored.values()), seconds)


def read_manifest(dump: Path) -> dict:
    if not dump.is_file():
        raise BackupError(f"refused: no file {dump}")
    stem = dump.name.removesuffix(DUMP_SUFFIX)
    path = dump.with_name(stem + BACKUP_MANIFEST_SUFFIX)
    try:
        manifest = json.loads(path.read_text())
        if not (isinstance(manifest["sha256"], str) and isinstance(manifest["tables"], dict)):
            raise TypeError
    except FileNotFoundError:
        raise BackupError(f"refused: no manifest {path.name} beside the dump") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupError(f"refused: the manifest {path.name} is unreadable") from None
    return manifest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def row_counts(conn: psycopg.Connection) -> dict[str, int]:
    counts = {}
    for schema, table in conn.execute(TABLES).fetchall():
        query = sql.SQL("SELECT count(*) FROM {}.{}").format(
            sql.Identifier(schema), sql.Identifier(table)
        )
        counts[f"{schema}.{table}"] = conn.execute(query).fetchone()[0]
    return counts


def _dump(database: dict, out: Path) -> dict:
    """pg_dump into `out`, and the row counts of the snapshot it dumps."""
    with connect(database) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        # the snapshot stays valid while this transaction is open: until pg_dump ends
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        server = conn.execute("SHOW server_version").fetchone()[0]
        tool = find_tool("pg_dump", conn.info.server_version // 10000)
        command = [str(tool.path), "--format=custom", f"--compress={settings.BACKUP_COMPRESSION}",
                   f"--snapshot={snapshot}", f"--file={out}",
                   f"--dbname={conninfo(database)}"]  # fmt: skip
        with tempfile.TemporaryFile() as errors:
            process = subprocess.Popen(command, env=client_env(database), stderr=errors)
            try:
                tables = row_counts(conn)  # while pg_dump runs, in the snapshot it reads
            except BaseException:
                process.kill()
                process.wait()
                raise
            if process.wait():
                errors.seek(0)
                message = errors.read().decode(errors="replace").strip().splitlines()
                raise BackupError(f"pg_dump failed: {message[-1] if message else 'no message'}")
    return {"format": 1, "server_version": server, "pg_dump_major": tool.major, "tables": tables}


def _write_manifest(path: Path, manifest: dict) -> Path:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    os.chmod(partial, 0o600)
    partial.rename(path)
    return path
