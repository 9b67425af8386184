"""Decides which PostgreSQL and Redis the platform talks to: the ones named by DATABASE_URL and
REDIS_URL, or else the embedded servers, started on demand and exported to child processes."""

from __future__ import annotations

import os

from .postgres import EmbeddedPostgres
from .redis import EmbeddedRedis


def ensure_service_urls() -> dict[str, str]:
    """Fill DATABASE_URL and REDIS_URL in os.environ, starting embedded servers for unset ones.

    Returns which of them are embedded ({"DATABASE_URL": "embedded", ...}) for reporting.
    """
    origins: dict[str, str] = {}
    if os.environ.get("DATABASE_URL"):
        origins["DATABASE_URL"] = "external"
    else:
        os.environ["DATABASE_URL"] = EmbeddedPostgres().ensure_running()
        os.environ["FOXREVIEWS_EMBEDDED_POSTGRES"] = "1"
        origins["DATABASE_URL"] = "embedded"
    if os.environ.get("REDIS_URL"):
        origins["REDIS_URL"] = "external"
    else:
        os.environ["REDIS_URL"] = EmbeddedRedis().ensure_running()
        os.environ["FOXREVIEWS_EMBEDDED_REDIS"] = "1"
        origins["REDIS_URL"] = "embedded"
    return origins


def stop_embedded_servers() -> list[str]:
    """Stop the embedded servers of this project's var/ folder; returns what was stopped."""
    stopped = []
    if EmbeddedRedis().stop():
        stopped.append("redis")
    if EmbeddedPostgres().stop():
        stopped.append("postgres")
    return stopped
