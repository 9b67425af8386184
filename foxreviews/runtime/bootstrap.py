"""Which PostgreSQL and Redis a process talks to, and who owns the embedded ones.

DATABASE_URL and REDIS_URL name the servers; when one is unset, the embedded server of this
var/ folder is used, started if it is not running. Whoever starts a server owns it and stops it
when done; a server found running belongs to someone else and is left running. The owners:
`foxreviews up` (for the platform's lifetime), the other `foxreviews` commands and manage.py
(for the command's), and the pytest plugin (for the test session's).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
from collections.abc import Iterator

from foxreviews.core.paths import ensure_dir, var_dir
from foxreviews.core.processes import preserved_environment

from .postgres import EmbeddedPostgres
from .redis import EmbeddedRedis

SERVERS = (
    ("DATABASE_URL", EmbeddedPostgres, "FOXREVIEWS_EMBEDDED_POSTGRES"),
    ("REDIS_URL", EmbeddedRedis, "FOXREVIEWS_EMBEDDED_REDIS"),
)


@contextlib.contextmanager
def embedded_services() -> Iterator[dict[str, str]]:
    """Fill DATABASE_URL and REDIS_URL (for this process and its children); yields where each
    comes from: external, embedded (started here) or embedded (already running). On the way
    out (success, error, Ctrl-C, SIGTERM, SIGHUP), stops exactly the servers this call started,
    also when the second one failed to start, and puts the environment back as it found it."""
    started, origins = [], {}
    names = [name for variable, _, flag in SERVERS for name in (variable, flag)]
    with preserved_environment(*names), _signals_raise_system_exit():
        try:
            for variable, server_class, flag in SERVERS:
                if os.environ.get(variable):
                    origins[variable] = "external"
                    continue
                server = server_class()
                os.environ[variable] = server.ensure_running()
                os.environ[flag] = "1"
                if server.started_here:
                    started.append(server)
                origins[variable] = (
                    "embedded" if server.started_here else "embedded (found running)"
                )
            yield origins
        finally:
            for server in reversed(started):
                server.stop()


@contextlib.contextmanager
def _signals_raise_system_exit() -> Iterator[None]:
    """SIGTERM and SIGHUP end the process through Python's exit path (so `finally` blocks run,
    the servers' stop included) instead of killing it; only where Python still has the default
    action for them, and only in the main thread (where signal handlers live)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced = {}
    for signum in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) == signal.SIG_DFL:
            replaced[signum] = signal.signal(signum, _exit_on_signal)
    try:
        yield
    finally:
        for signum, previous in replaced.items():
            signal.signal(signum, previous)


def _exit_on_signal(signum, frame) -> None:
    raise SystemExit(128 + signum)


def ensure_local_secret_key() -> None:
    """A per-checkout DJANGO_SECRET_KEY for local runs, kept in var/ so sessions survive
    restarts (production settings require it from the environment)."""
    if os.environ.get("DJANGO_SECRET_KEY"):
        return
    path = var_dir() / "secret_key"
    if not path.exists():
        ensure_dir(path.parent)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    os.environ["DJANGO_SECRET_KEY"] = path.read_text().strip()


@contextlib.contextmanager
def command_environment() -> Iterator[dict[str, str]]:
    """What a local command needs before Django reads its settings (manage.py, `foxreviews
    manage`, `foxreviews import`); production settings get everything from the environment."""
    if os.environ.get("DJANGO_SETTINGS_MODULE", "").endswith(".production"):
        yield {}
        return
    ensure_local_secret_key()
    with embedded_services() as origins:
        yield origins


def stop_embedded_servers() -> list[str]:
    """Stop the embedded servers of this var/ folder (`foxreviews down` when no `up` runs)."""
    return [server.name for server in (EmbeddedRedis(), EmbeddedPostgres()) if server.stop()]
