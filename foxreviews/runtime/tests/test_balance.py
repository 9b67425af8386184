"""Keep-alive connections spread over the web workers (runtime/balance.py): a crowded worker
asks a client to reconnect only while another worker idles; the web process with several
workers gives them a scoreboard and removes it when it stops."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from foxreviews.runtime.balance import (
    SCOREBOARD_ENV,
    RebalanceMiddleware,
    Scoreboard,
    create_scoreboard,
    read_slots,
)
from foxreviews.runtime.ports import pick_port

SHARED = "/dev/shm"  # noqa: S108 (where create_scoreboard puts it on Linux)


@pytest.fixture
def board_path():
    path = create_scoreboard()
    yield path
    path.unlink(missing_ok=True)


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_worker_is_crowded_only_while_another_idles(board_path):
    mine = Scoreboard(board_path)
    other = Scoreboard(board_path, pid=os.getppid())  # another live process
    mine.enter()
    assert not mine.crowded()  # one request: nothing to spread
    mine.enter()
    assert mine.crowded()  # two here, none there
    other.enter()
    assert not mine.crowded()  # both busy: keep the connections
    other.leave()
    mine.leave()
    assert not mine.crowded()
    assert sorted(mine.slots()) == sorted([(os.getpid(), 1), (os.getppid(), 0)])


@pytest.mark.slow
def test_a_dead_workers_slot_is_taken_over_and_its_idleness_not_counted(board_path):
    dead = _dead_pid()
    gone = Scoreboard(board_path, pid=dead)
    mine = Scoreboard(board_path)  # the dead worker's slot is free for a new one
    assert mine.slots() == [(os.getpid(), 0)]
    gone.close()
    mine.enter()
    mine.enter()
    assert not mine.crowded()  # alone on the board: no one to send the client to


def _serve(app, board: Scoreboard, concurrent: int) -> list[list[tuple[bytes, bytes]]]:
    """`concurrent` requests in flight together through the middleware; their headers."""

    async def run() -> list:
        gate = asyncio.Event()
        arrived = 0

        async def slow_app(scope, receive, send):
            nonlocal arrived
            arrived += 1
            if arrived == concurrent:
                gate.set()
            await gate.wait()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/plain")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b"ok"})

        middleware = RebalanceMiddleware(slow_app, board)
        answers: list[list] = []

        async def one():
            sent = []

            async def send(message):
                sent.append(message)

            await middleware({"type": "http"}, None, send)
            answers.append(sent[0]["headers"])

        await asyncio.gather(*(one() for _ in range(concurrent)))
        return answers

    return asyncio.run(run())


def test_the_crowded_workers_responses_ask_to_reconnect_others_do_not(board_path):
    mine = Scoreboard(board_path)
    Scoreboard(board_path, pid=os.getppid())  # an idle worker
    close = (b"connection", b"close")
    alone = _serve(None, mine, concurrent=1)
    assert close not in alone[0]
    together = _serve(None, mine, concurrent=2)
    assert close in together[0]  # answered while the other was still in flight here
    assert mine.slots()[0][1] == 0  # every request left the board


@pytest.mark.slow
def test_several_workers_share_a_scoreboard_removed_when_the_process_stops(tmp_path):
    port = pick_port(18710)
    env = {**os.environ, "FOXREVIEWS_PROCESS": "web", "DJANGO_SECRET_KEY": "test-only",
           "LOG_LEVEL": "WARNING", "FOXREVIEWS_VAR_DIR": str(tmp_path)}  # fmt: skip
    env.pop(SCOREBOARD_ENV, None)
    before = set(_scoreboards())
    process = subprocess.Popen(
        [sys.executable, "-m", "foxreviews.runtime.web", "--port", str(port), "--workers", "2"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline, boards, slots = time.monotonic() + 60, [], []
        while time.monotonic() < deadline:
            boards = [path for path in _scoreboards() if path not in before]
            slots = read_slots(boards[0]) if len(boards) == 1 else []
            if len(slots) == 2:
                break
            time.sleep(0.3)
        assert len(boards) == 1 and len(slots) == 2, (boards, slots)
        assert all(_parent(pid) == process.pid for pid, _ in slots)  # uvicorn's two workers
        # an unknown path: through the middleware, and no database, Redis or broker to wait for
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/nowhere/", timeout=30)
        assert answer.value.code == 404
        deadline = time.monotonic() + 5  # the count drops once the answer has gone out
        while any(n for _, n in read_slots(boards[0])) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [in_flight for _, in_flight in read_slots(boards[0])] == [0, 0]
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert not boards[0].exists()


def _scoreboards() -> list[Path]:
    return list(Path(SHARED).glob("foxreviews-web-*.scoreboard"))


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
