"""Why the database gave no answer: it cannot be reached, or every pooled connection is in use.
The API's 503 (core/api/errors.py) and /health/ say which."""

from __future__ import annotations

import enum
import threading
from collections.abc import Iterator

import psycopg
from cachetools import TTLCache
from django.db import connections
from psycopg_pool import PoolTimeout


class Unavailable(enum.Enum):
    UNREACHABLE = "Base de données injoignable : réessayez dans un instant."
    BUSY = "Serveur très demandé : réessayez dans un instant."

    @property
    def message(self) -> str:
        return self.value


# SQLSTATEs of a server that takes no session: connection exceptions (class 08), shutting down
# or starting up; other errors (a cancelled query, a deadlock) come from a working database
_NO_SESSION_STATES = ("08", "57P01", "57P02", "57P03")

# one probe per database a second at most: a full pool must not bring a crowd of new sessions
_probes: TTLCache = TTLCache(maxsize=8, ttl=1.0)
_probes_lock = threading.Lock()


def database_unavailable(exc: BaseException, alias: str = "default") -> Unavailable | None:
    """What `exc` (raised while using the database `alias`) says of it; None: another error."""
    for error in _causes(exc):
        # first: PoolTimeout is an OperationalError without a SQLSTATE
        if isinstance(error, PoolTimeout):
            return Unavailable.BUSY if database_reachable(alias) else Unavailable.UNREACHABLE
        if isinstance(error, psycopg.OperationalError) and (
            error.sqlstate is None or error.sqlstate.startswith(_NO_SESSION_STATES)
        ):
            return Unavailable.UNREACHABLE
    return None


def database_reachable(alias: str = "default") -> bool:
    """Does the database accept a session of its own (outside the pool)? Within the
    connection's `connect_timeout` (DATABASE_CONNECT_TIMEOUT)."""
    with _probes_lock:
        known = _probes.get(alias)
    if known is not None:
        return known
    try:
        with psycopg.connect(**connections[alias].get_connection_params()):
            reachable = True
    except psycopg.OperationalError:
        reachable = False
    with _probes_lock:
        _probes[alias] = reachable
    return reachable


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    error: BaseException | None = exc
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__
