#!/usr/bin/env python
"""Benchmark of the live events through the platform's web process (issue 25's targets).

    .venv/bin/python bench/realtime_bench.py
    .venv/bin/python bench/realtime_bench.py --clients 200 --idle-seconds 20 --no-record

One web process (uvicorn, 1 worker, production settings as bench/api_settings.py gives them),
against one PostgreSQL and one Redis (the embedded ones unless DATABASE_URL and REDIS_URL are
set; a scratch database `foxreviews_realtimebench`, migrated, users made by the script; the
channel layer on Redis db 13, the replay streams under a prefix of the run's own). Then:
  1. --clients websockets at once (a tenth staff on /ws/admin/notifications/, the rest users on
     their own path), signed in by token; events sent by `publish()` (the service call) in this
     process: admin events to every staff socket, one event per user; each carries the time of
     the call; latency = receipt - call; every socket checks it got each of its events once.
     Targets: p95 <= 50 ms, none lost, none duplicated.
  2. Idle: --idle-seconds with every socket open and nothing sent (heartbeats do run): the web
     process's CPU (utime + stime from /proc, as % of one core) and its RSS. Targets: <= 10 %,
     <= 300 MB.
  3. Replay: a user's socket closed, 500 events sent to it, then the socket back with its last
     id: the time until the 500th arrives, and their order. Target: <= 1 s.
  4. SSE: the same delivery as 1 over GET /api/realtime/events/ (one stream per client).
     Target: p95 within 2x of the websockets'.
The client sockets run in this process on the same 2 cores as the server, PostgreSQL and Redis:
the latencies include the clients' own work. Figures are printed and appended to
bench/RESULTS.md with the machine and the date. Every server the script starts is stopped.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import signal
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

from api_bench import start_server, stop_server
from import_bench import DATA, PYTHON, ROOT, Servers, machine, record, run, with_database

sys.path.insert(0, str(ROOT))
DATABASE = "foxreviews_realtimebench"
PORT = 18_700
TICK = os.sysconf("SC_CLK_TCK")


def prepared(servers: Servers, prefix: str) -> dict:
    """The scratch database (migrated) and the environment of the web process and of this one."""
    import psycopg

    admin_url = with_database(servers.urls["DATABASE_URL"], "postgres")
    url = with_database(servers.urls["DATABASE_URL"], DATABASE)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    redis_url = servers.urls["REDIS_URL"]
    channels = redis_url.rsplit("/", 1)[0] + "/13"
    env = {**os.environ, **servers.urls, "DATABASE_URL": url, "DJANGO_SECRET_KEY": "bench",
           "FOXREVIEWS_VAR_DIR": str(DATA / f"var-{DATABASE}"), "LOG_LEVEL": "WARNING",
           "CHANNELS_REDIS_URL": channels, "REALTIME_KEY_PREFIX": prefix,
           "REALTIME_SSE_MAX_PER_USER": "2"}  # fmt: skip
    env.pop("DJANGO_SETTINGS_MODULE", None)
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    return env


def make_users(count: int) -> list[tuple[int, str, bool]]:
    """(id, token, staff) for `count` users, a tenth staff; made once, reused."""
    from rest_framework.authtoken.models import Token

    from foxreviews.users.models import User

    have = User.objects.filter(username__startswith="live-").count()
    for n in range(have, count):
        user = User.objects.create_user(
            f"live-{n}", password=None, is_staff=n % 10 == 0,
            role=User.Role.ADMIN if n % 10 == 0 else User.Role.PRO,
        )  # fmt: skip
        Token.objects.create(user=user)
    rows = (
        Token.objects.filter(user__username__startswith="live-")
        .order_by("user_id")
        .values_list("user_id", "key", "user__is_staff")
    )
    return list(rows)[:count]


class Client:
    """One socket's receipts: event ids (in order) and latencies."""

    def __init__(self, user_id: int, token: str, staff: bool) -> None:
        self.user_id, self.token, self.staff = user_id, token, staff
        self.ids: list[str] = []
        self.latencies: list[float] = []
        self.last_id: str | None = None

    def got(self, event: dict) -> None:
        if "id" not in event:
            return
        now = time.time()
        self.ids.append(event["id"])
        self.last_id = event["id"]
        sent = event["data"].get("sent")
        if sent:
            self.latencies.append((now - sent) * 1000)


async def websocket_client(client: Client, port: int, ready: asyncio.Event, stop: asyncio.Event,
                           last_id: str | None = None) -> None:  # fmt: skip
    from websockets.asyncio.client import connect

    path = (
        "/ws/admin/notifications/" if client.staff else f"/ws/user/{client.user_id}/notifications/"
    )
    query = f"?last_event_id={last_id}" if last_id else ""
    async with connect(
        f"ws://127.0.0.1:{port}{path}{query}", max_size=None, open_timeout=60,
        additional_headers={"Authorization": f"Token {client.token}"},
    ) as ws:  # fmt: skip
        hello = json.loads(await ws.recv())
        assert hello["type"] == "hello", hello
        ready.set()
        reader = asyncio.ensure_future(_read_ws(ws, client))
        await stop.wait()
        reader.cancel()


async def _read_ws(ws, client: Client) -> None:
    async for message in ws:
        client.got(json.loads(message))


async def sse_client(client: Client, port: int, ready: asyncio.Event, stop: asyncio.Event) -> None:
    channel = "admin/notifications" if client.staff else f"user/{client.user_id}/notifications"
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /api/realtime/events/?channel={channel} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Token {client.token}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    await writer.drain()
    status = await reader.readline()
    assert b" 200 " in status, status
    while (await reader.readline()) not in (b"\r\n", b""):
        pass

    async def read() -> None:
        while True:
            line = await reader.readline()
            if not line:
                return
            line = line.strip()
            if os.environ.get("BENCH_DEBUG"):
                print("SSE", client.user_id, line[:120], flush=True)
            # chunked transfer: a size line, then the chunk's lines; keep the data lines
            if line.startswith(b"data: "):
                message = json.loads(line[6:])
                if message.get("type") == "hello":
                    ready.set()
                client.got(message)

    task = asyncio.ensure_future(read())
    await stop.wait()
    task.cancel()
    writer.close()


def publish_events(clients: list[Client], admin_events: int, rate: float) -> dict[int, set]:
    """The admin events and one event per user, spread at `rate` a second; the ids each user
    (and the staff) must get."""
    from foxreviews.realtime.services import publish

    expected: dict[int, set] = {c.user_id: set() for c in clients}
    staff = [c.user_id for c in clients if c.staff]
    users = [c.user_id for c in clients if not c.staff]
    plan = [("admin", None)] * admin_events + [("user", u) for u in users]
    # interleaved: an admin event every len(plan) / admin_events
    step = max(1, len(plan) // max(admin_events, 1))
    ordered = []
    admins, singles = plan[:admin_events], plan[admin_events:]
    while admins or singles:
        if admins:
            ordered.append(admins.pop())
        ordered += singles[:step]
        del singles[:step]
    for kind, user_id in ordered:
        started = time.time()
        if kind == "admin":
            event_id = publish(type="avis.pending", data={"sent": started}, admins=True)
            for s in staff:
                expected[s].add(event_id)
        else:
            event_id = publish(type="import.finished", data={"sent": started}, user_id=user_id)
            expected[user_id].add(event_id)
        pause = 1 / rate - (time.time() - started)
        if pause > 0:
            time.sleep(pause)
    return expected


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def web_pid(server) -> int:
    """The uvicorn process serving (with one worker, the one started)."""
    return server.pid


def delivery(kind: str, clients: list[Client], port: int, args) -> dict:
    """Open every client, send the events, wait for them; the figures."""

    async def scenario():
        stop = asyncio.Event()
        opener = websocket_client if kind == "websocket" else sse_client
        readies, tasks = [], []
        for start in range(0, len(clients), 50):  # 50 handshakes at a time
            batch = []
            for client in clients[start : start + 50]:
                ready = asyncio.Event()
                readies.append(ready)
                batch.append(ready)
                tasks.append(asyncio.ensure_future(opener(client, port, ready, stop)))
            await asyncio.wait_for(asyncio.gather(*(r.wait() for r in batch)), 120)
        opened = time.monotonic()
        expected = await asyncio.to_thread(publish_events, clients, args.admin_events, args.rate)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if all(len(c.ids) >= len(expected[c.user_id]) for c in clients):
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)  # late duplicates
        figures = {"expected": expected, "opened_for": time.monotonic() - opened}
        if kind == "websocket":
            figures.update(await idle(port, args))
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        return figures

    figures = asyncio.run(scenario())
    expected = figures.pop("expected")
    latencies = sorted(x for c in clients for x in c.latencies)
    lost = sum(len(expected[c.user_id] - set(c.ids)) for c in clients)
    duplicated = sum(len(c.ids) - len(set(c.ids)) for c in clients)
    unexpected = sum(len(set(c.ids) - expected[c.user_id]) for c in clients)
    return {
        "kind": kind, "clients": len(clients), "deliveries": len(latencies),
        "p50": statistics.median(latencies), "p95": latencies[int(len(latencies) * 0.95) - 1],
        "p99": latencies[int(len(latencies) * 0.99) - 1], "max": latencies[-1],
        "lost": lost, "duplicated": duplicated, "unexpected": unexpected, **figures,
    }  # fmt: skip


async def idle(port: int, args) -> dict:
    pid = args.server_pid
    before, started = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(args.idle_seconds)
    cpu = (cpu_seconds(pid) - before) / (time.monotonic() - started) * 100
    return {"idle_cpu": cpu, "idle_rss": rss_mb(pid)}


def replay(client: Client, port: int, count: int) -> dict:
    from foxreviews.realtime.services import publish

    async def scenario():
        stop, ready = asyncio.Event(), asyncio.Event()
        task = asyncio.ensure_future(websocket_client(client, port, ready, stop))
        await ready.wait()
        await asyncio.to_thread(publish, type="import.finished", data={}, user_id=client.user_id)
        while client.last_id is None:
            await asyncio.sleep(0.05)
        stop.set()
        await task
        last = client.last_id
        sent = await asyncio.to_thread(
            lambda: [publish(type="import.finished", data={"n": n}, user_id=client.user_id)
                     for n in range(count)]
        )  # fmt: skip
        client.ids.clear()
        stop, ready = asyncio.Event(), asyncio.Event()
        started = time.monotonic()
        task = asyncio.ensure_future(websocket_client(client, port, ready, stop, last_id=last))
        while len(client.ids) < count and time.monotonic() - started < 10:
            await asyncio.sleep(0.005)
        seconds = time.monotonic() - started
        stop.set()
        await task
        return sent, seconds

    sent, seconds = asyncio.run(scenario())
    return {"replayed": len(client.ids), "in_order": client.ids == sent, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--admin-events", type=int, default=50)
    parser.add_argument("--rate", type=float, default=200.0, help="events a second")
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--replay", type=int, default=500)
    parser.add_argument("--no-record", action="store_true")
    args = parser.parse_args()
    prefix = f"realtimebench-{uuid.uuid4().hex[:8]}:realtime"
    with Servers() as servers:
        env = prepared(servers, prefix)
        os.environ.update({k: env[k] for k in (
            "DATABASE_URL", "REDIS_URL", "CHANNELS_REDIS_URL", "REALTIME_KEY_PREFIX",
            "DJANGO_SECRET_KEY", "FOXREVIEWS_VAR_DIR", "LOG_LEVEL")})  # fmt: skip
        os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
        import django

        django.setup()
        users = make_users(args.clients + 2)
        replayer = next(u for u in reversed(users) if not u[2])  # a user, on their own path
        users = [*[u for u in users if u != replayer][: args.clients], replayer]
        from foxreviews.runtime.ports import pick_port

        port = pick_port(PORT)  # a server found on PORT is someone else's
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # the finally below stops ours
        server = start_server(env, port, workers=1)
        args.server_pid = web_pid(server)
        try:
            rss_start = rss_mb(args.server_pid)
            print(f"websockets: {args.clients} clients...", flush=True)
            ws = delivery("websocket", [Client(*u) for u in users[:-1]], port, args)
            print(f"  p95 {ws['p95']:.1f} ms; SSE: {args.clients} clients...", flush=True)
            sse = delivery("sse", [Client(*u) for u in users[:-1]], port, args)
            print(f"  p95 {sse['p95']:.1f} ms; replay of {args.replay}...", flush=True)
            again = replay(Client(*users[-1]), port, args.replay)
        finally:
            stop_server(server)
    show(ws, sse, again, rss_start, args)


def show(ws: dict, sse: dict, again: dict, rss_start: float, args) -> None:
    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    rows = [
        f"| {r['kind']} | {r['clients']} | {r['deliveries']:,} | {r['p50']:.1f} | {r['p95']:.1f} "
        f"| {r['p99']:.1f} | {r['max']:.1f} | {r['lost']} | {r['duplicated']} | {r['unexpected']} |"
        for r in (ws, sse)
    ]
    text = f"""
## Live events (websockets, SSE) — {datetime.date.today().isoformat()}
Machine: {machine()}. Script: `bench/realtime_bench.py` (one web process, uvicorn 1 worker,
production settings; {args.clients} clients in the script's process, a tenth staff; {args.admin_events}
admin events to every staff socket and one event per user, {args.rate:.0f} events/s). The
machine is shared and noisy (other sessions' builds and tests ran meanwhile): one run, read
the figures as an order of magnitude. Latency: from the `publish()` call to receipt, in ms.

| transport | clients | deliveries | p50 | p95 | p99 | max | lost | duplicated | unexpected |
|---|---|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

- websockets p95 {ws["p95"]:.1f} ms (target <= 50: {met(ws["p95"] <= 50)}); none lost, none
  duplicated: {met(ws["lost"] == ws["duplicated"] == ws["unexpected"] == 0)}.
- idle, {args.clients} sockets open for {args.idle_seconds:.0f} s (heartbeats included): web
  process CPU {ws["idle_cpu"]:.1f} % of one core (target <= 10: {met(ws["idle_cpu"] <= 10)}),
  RSS {ws["idle_rss"]:.0f} MB ({rss_start:.0f} MB before the sockets; target <= 300:
  {met(ws["idle_rss"] <= 300)}).
- replay of {args.replay} missed events on reconnect: {again["replayed"]} in
  {again["seconds"] * 1000:.0f} ms, in order: {again["in_order"]} (target <= 1 s:
  {met(again["seconds"] <= 1 and again["replayed"] == args.replay and again["in_order"])}).
- SSE p95 {sse["p95"]:.1f} ms = {sse["p95"] / ws["p95"]:.1f}x the websockets' (target <= 2x:
  {met(sse["p95"] <= 2 * ws["p95"])}); lost {sse["lost"]}, duplicated {sse["duplicated"]}.
"""
    print(text)
    if not args.no_record:
        record(text)


if __name__ == "__main__":
    threading.current_thread().name = "bench"
    main()
