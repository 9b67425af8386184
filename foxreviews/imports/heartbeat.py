"""An upload's heartbeat while a worker works on it: a thread of the worker writes the time on
its ImportLog every few seconds, through a database connection of its own, from the first
statement to the last index; when the worker dies, the heartbeat stops and a sweep notices."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import structlog
from django.db import DatabaseError, connections

from .errors import one_line
from .services import upload_heartbeat_write

logger = structlog.get_logger(__name__)


@contextlib.contextmanager
def upload_heartbeat(*, import_log_id: int, every: float) -> Iterator[None]:
    upload_heartbeat_write(import_log_id=import_log_id)  # a worker has it
    stop = threading.Event()
    beating = threading.Thread(
        target=_beat,
        args=(import_log_id, every, stop),
        name=f"heartbeat-{import_log_id}",
        daemon=True,
    )
    beating.start()
    try:
        yield
    finally:
        stop.set()
        beating.join()


def _beat(import_log_id: int, every: float, stop: threading.Event) -> None:
    try:
        while not stop.wait(every):
            try:
                upload_heartbeat_write(import_log_id=import_log_id)
            except DatabaseError as exc:  # a missed beat; the import itself will say more
                logger.warning("upload heartbeat not written", error=one_line(exc))
    finally:
        connections.close_all()  # this thread's connection only (Django's are per thread)
