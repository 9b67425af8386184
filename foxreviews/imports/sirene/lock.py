"""One bulk import at a time, from its first statement to its last index, and what a run
killed with `kill -9` leaves running in PostgreSQL.

RUN is held by the import's connection for the whole run (a second import is refused);
INDEX_BUILD, in shared mode, by each connection rebuilding an index, so that a rerun waits for
a dead process's CREATE INDEX, which goes on until its backend notices. Each connection names
itself `foxreviews-import <host> <pid>` (application_name), so that a rerun tells a live import
from a dead one's leftovers.
"""

from __future__ import annotations

import logging
import os
import socket
import time

import psycopg
from django.db import OperationalError, connection

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.processes import pid_alive

logger = logging.getLogger(__name__)

NAMESPACE = 0x66_6F_78  # "fox"
RUN, INDEX_BUILD = 1, 2
APPLICATION_NAME = "foxreviews-import"
PAGE_WRITER = "foxreviews-sync"  # the INSEE sync: holds RUN one page at a time


class ImportBusy(ApplicationError):
    """Another import holds the lock now; the same work can be tried again later."""


def identify_connection(kind: str = APPLICATION_NAME) -> None:
    """Name this connection after the importing process (see the module docstring)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('application_name', %s, false)",
            [f"{kind} {socket.gethostname()} {os.getpid()}"],
        )


def hold_index_build_lock() -> None:
    """For an index-building connection; released when the connection closes."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock_shared(%s, %s)", [NAMESPACE, INDEX_BUILD])


class one_import_at_a_time:  # a context manager used like a function
    """Holds RUN for the whole import; waits for a dead run's last statements first."""

    def __enter__(self) -> None:
        identify_connection()
        for _ in range(100):
            if _try_lock(RUN):
                break
            holders = _holders(RUN)
            if not holders:
                continue  # released between the two looks (a dead run's last rollback)
            if any(_alive(name) for _, name, _ in holders):
                page_writers = all(name.startswith(PAGE_WRITER) for _, name, _ in holders)
                if page_writers and _waited_for_page_writers():
                    continue
                raise ImportBusy(
                    f"Un autre import en masse est en cours (processus PostgreSQL "
                    f"{holders[0][0]}) ; réessayez quand il sera terminé."
                )
            logger.warning(
                "waiting for the last statement of an interrupted import to end "
                "(PostgreSQL backend %s: %s)",
                holders[0][0],
                holders[0][2][:60],
            )
            _lock(RUN)
            break
        else:
            raise ApplicationError(
                "Le verrou des imports a changé de mains sans cesse ; réessayez."
            )
        if not _try_lock(INDEX_BUILD):  # RUN is ours: whoever builds belongs to a dead run
            holders = _holders(INDEX_BUILD)
            logger.warning(
                "waiting for %d index build(s) of an interrupted import to end "
                "(PostgreSQL backends %s)",
                len(holders),
                ", ".join(str(pid) for pid, _, _ in holders),
            )
            _lock(INDEX_BUILD)
        _unlock(INDEX_BUILD)

    def __exit__(self, *exc) -> None:
        _unlock(RUN)


def hold_run_lock_for_transaction(*, timeout_seconds: int = 30) -> None:
    """For writers of a few rows at a time (the INSEE sync's pages): the same RUN lock, for the
    current transaction only, so no page lands in the middle of a bulk import (which may have
    dropped the indexes). Raises ImportBusy after `timeout_seconds` of waiting."""
    identify_connection(PAGE_WRITER)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{timeout_seconds}s"])
        try:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NAMESPACE, RUN])
        except OperationalError as exc:
            if isinstance(exc.__cause__, psycopg.errors.LockNotAvailable):
                raise ImportBusy(
                    "Un import en masse est en cours ; la synchronisation reprendra ensuite."
                ) from None
            raise
        cursor.execute("SELECT set_config('lock_timeout', '0', true)")


def _waited_for_page_writers(*, seconds: float = 15.0) -> bool:
    """A page writer holds RUN for well under a second: wait for it rather than refuse."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _try_lock(RUN):
            _unlock(RUN)
            return True
        time.sleep(0.1)
    return False


def _try_lock(key: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [NAMESPACE, key])
        return cursor.fetchone()[0]


def _lock(key: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [NAMESPACE, key])


def _unlock(key: int) -> None:
    if connection.connection is None or connection.connection.closed:
        return  # the session, and its locks, are gone already
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [NAMESPACE, key])


def _holders(key: int) -> list[tuple[int, str, str]]:
    """(backend pid, application_name, current statement) of the sessions holding `key`."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT l.pid, COALESCE(a.application_name, ''), COALESCE(a.query, '')
            FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s AND l.objid = %s
              AND l.objsubid = 2 AND l.database = (SELECT oid FROM pg_database
                                                   WHERE datname = current_database())
            ORDER BY l.pid
            """,
            [NAMESPACE, key],
        )
        return cursor.fetchall()


def _alive(application_name: str) -> bool:
    """False only for an import process of this host that no longer exists."""
    parts = application_name.split(" ")
    if len(parts) != 3 or parts[0] != APPLICATION_NAME or parts[1] != socket.gethostname():
        return True  # another host's, or not ours: assume it lives
    return not parts[2].isdigit() or pid_alive(int(parts[2]))
