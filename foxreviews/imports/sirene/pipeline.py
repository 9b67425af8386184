"""The preparing half of the bulk import, on its own thread and database connection: while
the writing connection upserts chunk N, this one stages and classifies chunk N+1."""

from __future__ import annotations

import queue
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.db import connection, transaction

from . import writer
from .chunks import Prepared, load_transaction_settings, prepare_chunk
from .formats import Format
from .source import Chunk
from .unites_legales import load_unites_legales


class Preparer(threading.Thread):
    """Prepares chunks at most `ahead` chunks ahead of the writer, who takes them with
    `next_prepared()`. Used as a context manager: started on entry, stopped on exit."""

    def __init__(
        self,
        chunks: Iterator[Chunk],
        *,
        header: list[str],
        fmt: Format,
        unites_legales: Path | None,
        ahead: int = 1,
    ) -> None:
        super().__init__(name="sirene-preparer", daemon=True)
        self.chunks = chunks
        self.header = header
        self.fmt = fmt
        self.unites_legales = unites_legales
        self.ready: queue.Queue = queue.Queue(maxsize=ahead)
        self.stopping = threading.Event()
        self.run_token = uuid.uuid4().hex[:8]

    def __enter__(self) -> Preparer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def next_prepared(self) -> Prepared | None:
        """The next chunk, None after the last; re-raises what stopped the preparing thread."""
        item = self.ready.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def run(self) -> None:
        try:
            writer.drop_leftover_work_tables()  # committed here, whatever the writer's state
            if self.unites_legales:
                load_unites_legales(self.unites_legales)
            for number, chunk in enumerate(self.chunks):
                if self.stopping.is_set():
                    return
                self._put(self._prepare(number, chunk))
            self._put(None)
        except BaseException as exc:  # handed to the writer, which re-raises it
            self._put(exc)
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        while True:  # unblock a put() waiting for room
            try:
                self.ready.get_nowait()
            except queue.Empty:
                break
        self.join(timeout=30)

    def _put(self, item) -> None:
        while not self.stopping.is_set():
            try:
                self.ready.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _prepare(self, number: int, chunk: Chunk) -> Prepared:
        with transaction.atomic():
            load_transaction_settings()
            return prepare_chunk(
                writer.ChunkTables(self.run_token, number),
                chunk,
                header=self.header,
                fmt=self.fmt,
                with_unites_legales=bool(self.unites_legales),
            )
