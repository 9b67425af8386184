"""pytest plugin: the suite runs against real PostgreSQL and Redis.

With DATABASE_URL / REDIS_URL unset, the embedded servers are started (the test settings do
that); those this session had to start are stopped again when it ends, so a test run leaves no
process behind.
"""

import os

from .postgres import EmbeddedPostgres
from .redis import EmbeddedRedis


def _not_yet_running() -> list:
    """Read at import, before pytest-django loads the settings that start the servers."""
    servers = []
    if not os.environ.get("DATABASE_URL") and EmbeddedPostgres().running_pid_and_port() is None:
        servers.append(EmbeddedPostgres())
    if not os.environ.get("REDIS_URL") and EmbeddedRedis().running_pid_and_port() is None:
        servers.append(EmbeddedRedis())
    return servers


_started_here: list = _not_yet_running()


def pytest_unconfigure(config) -> None:
    if os.environ.get("PYTEST_XDIST_WORKER"):
        return
    for server in _started_here:
        server.stop()
    _started_here.clear()
