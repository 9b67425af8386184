"""The lifecycle shared by the embedded servers (PostgreSQL and Redis) of a var/ folder.

One object per server folder. `ensure_running()` starts the server unless it runs, and records
in `started_here` whether this object started it or found it running; `stop()` stops it. Both
hold a file lock on the folder, so two processes never start or stop the same server at once.
Whoever started a server stops it (runtime/bootstrap.py decides when); a server found running
is someone else's.
"""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


class EmbeddedServerError(RuntimeError):
    pass


@dataclass(frozen=True)
class Running:
    pid: int
    url: str


class EmbeddedServer:
    name = "server"

    def __init__(self, base: Path) -> None:
        self.base = base.resolve()
        self.started_here = False

    @property
    def log_file(self) -> Path:
        return self.base / f"{self.name}.log"

    # -- what each server defines --------------------------------------------------------------
    def running(self) -> Running | None:
        """The running server of this folder (its pid and URL), or None."""
        raise NotImplementedError

    def _start(self) -> None:
        raise NotImplementedError

    def _stop(self, running: Running) -> None:
        raise NotImplementedError

    def _after_start(self, url: str) -> None:
        """Once it answers, started now or found running (PostgreSQL creates its database)."""

    # -- the lifecycle -------------------------------------------------------------------------
    def ensure_running(self) -> str:
        """Start the server unless it runs (idempotent, safe across processes); its URL."""
        self.base.mkdir(parents=True, exist_ok=True)
        with self._lock():
            running = self.running()
            if running is None:
                self._start()
                self.started_here = True
                running = self.running()
                if running is None:
                    raise EmbeddedServerError(
                        f"the embedded {self.name} did not start; see {self.log_file}"
                    )
            self._after_start(running.url)
            return running.url

    def stop(self) -> bool:
        """Stop the server of this folder; True when one was running."""
        if not self.base.is_dir():
            return False  # never started from this folder (its URL variable names another one)
        with self._lock():
            running = self.running()
            if running is None:
                return False
            self._stop(running)
            return True

    @contextmanager
    def _lock(self):
        with open(self.base / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
