"""What a pooled database connection must lose before the next user gets it."""

from __future__ import annotations

import psycopg


def reset_pooled_connection(conn: psycopg.Connection) -> None:
    """psycopg_pool's `reset`: called when Django gives a connection back to the pool.

    A session keeps its advisory locks and SET values across users of the pool (the bulk
    import takes both); drop them, and put back the UTC time zone Django set up once."""
    autocommit = conn.autocommit
    conn.autocommit = True
    try:
        # one round trip (it runs after every request of the web process)
        conn.execute("SELECT pg_advisory_unlock_all(); RESET ALL; SET TIME ZONE 'UTC'")
    finally:
        conn.autocommit = autocommit
