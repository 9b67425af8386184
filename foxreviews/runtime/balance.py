"""Keep-alive connections spread over the web workers.

uvicorn's workers share one listening socket and each keeps the connections it accepted. Two
clients that connect together often land on the same worker (the first to wake accepts both),
which then serves them in turn on one core while another worker idles: twice the latency, at
half the machine. Measured with wrk's two connections at 4M rows: one worker took both in about
half the runs (bench/api_bench.py reports it).

The workers keep a scoreboard (a small shared file, one slot each: pid and requests in flight).
A worker that is serving two requests or more while another worker serves none answers with
`Connection: close`: the client reconnects, and the idle worker, whose event loop is not
waiting for the GIL, is the one that accepts. Nothing changes while the load is even.

`foxreviews.runtime.web` creates the scoreboard when it starts more than one worker
(WEB_REBALANCE=false turns it off); the workers find it through FOXREVIEWS_WEB_SCOREBOARD.
"""

from __future__ import annotations

import contextlib
import fcntl
import mmap
import os
import tempfile
from pathlib import Path

from foxreviews.core.processes import pid_alive

SCOREBOARD_ENV = "FOXREVIEWS_WEB_SCOREBOARD"
SLOTS = 64  # workers of one web process, at most
_SLOT = 2  # int32s per slot: pid, requests in flight


def create_scoreboard() -> Path:
    """A zeroed scoreboard in shared memory (/dev/shm) when there is one, else in /tmp."""
    folder = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (shared memory)
    handle, name = tempfile.mkstemp(prefix="foxreviews-web-", suffix=".scoreboard", dir=folder)
    with os.fdopen(handle, "wb") as board:
        board.write(bytes(4 * _SLOT * SLOTS))
    return Path(name)


class Scoreboard:
    """This worker's view of the shared file: its own slot written, the others read."""

    def __init__(self, path: str | os.PathLike, pid: int | None = None) -> None:
        with open(path, "r+b") as board:
            self._map = mmap.mmap(board.fileno(), 4 * _SLOT * SLOTS)
            self._ints = memoryview(self._map).cast("i")
            fcntl.lockf(board, fcntl.LOCK_EX)  # two workers starting together: one slot each
            try:
                self._slot = self._claim(pid or os.getpid())
            finally:
                fcntl.lockf(board, fcntl.LOCK_UN)
        self._in_flight = _SLOT * self._slot + 1

    def _claim(self, pid: int) -> int:
        """The first free slot, or one whose worker died (uvicorn started another)."""
        for slot in range(SLOTS):
            owner = self._ints[_SLOT * slot]
            if owner == 0 or owner == pid or not pid_alive(owner):
                self._ints[_SLOT * slot] = pid
                self._ints[_SLOT * slot + 1] = 0
                return slot
        raise RuntimeError(f"more than {SLOTS} web workers share {SCOREBOARD_ENV}")

    # called from the worker's event loop only: no two updates of a slot at once
    def enter(self) -> None:
        self._ints[self._in_flight] += 1

    def leave(self) -> None:
        self._ints[self._in_flight] -= 1

    def crowded(self) -> bool:
        """Serving two requests or more while another worker serves none."""
        if self._ints[self._in_flight] < 2:
            return False
        ints = self._ints
        return any(
            ints[_SLOT * slot] != 0 and ints[_SLOT * slot + 1] == 0
            for slot in range(SLOTS)
            if slot != self._slot
        )

    def slots(self) -> list[tuple[int, int]]:
        """(pid, requests in flight) of each worker on the board."""
        return _slots(self._ints)

    def close(self) -> None:
        self._ints[_SLOT * self._slot] = 0
        self._ints.release()
        self._map.close()


def read_slots(path: str | os.PathLike) -> list[tuple[int, int]]:
    """(pid, requests in flight) of each worker on a scoreboard, without taking a slot."""
    return _slots(memoryview(Path(path).read_bytes()).cast("i"))


def _slots(ints) -> list[tuple[int, int]]:
    return [(ints[_SLOT * i], ints[_SLOT * i + 1]) for i in range(SLOTS) if ints[_SLOT * i]]


class RebalanceMiddleware:
    """ASGI: counts this worker's HTTP requests in flight on the scoreboard and, when the
    worker is crowded while another idles, asks the client to reconnect (`Connection: close`
    on the response; the request itself is served in full)."""

    def __init__(self, app, scoreboard: Scoreboard) -> None:
        self.app = app
        self.scoreboard = scoreboard

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        board = self.scoreboard

        async def send_(message):
            if message["type"] == "http.response.start" and board.crowded():
                headers = [h for h in message.get("headers", ()) if h[0].lower() != b"connection"]
                message = {**message, "headers": [*headers, (b"connection", b"close")]}
            await send(message)

        board.enter()
        try:
            return await self.app(scope, receive, send_)
        finally:
            board.leave()


def rebalanced(app):
    """`app` behind RebalanceMiddleware when this process is one of several web workers."""
    path = os.environ.get(SCOREBOARD_ENV)
    if not path:
        return app
    with contextlib.suppress(OSError):  # gone: the workers run without it
        return RebalanceMiddleware(app, Scoreboard(path))
    return app
