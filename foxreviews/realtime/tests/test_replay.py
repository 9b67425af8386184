"""Replay: a client that comes back with its last event id gets exactly what it missed, then
the live events, none twice; an id no longer covered by the stream gets a `resync`. The same
over Server-Sent Events (GET /api/realtime/events/, an ASGI route) with Last-Event-ID."""

import json

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator

from config.asgi import application
from foxreviews.realtime.services import publish
from foxreviews.realtime.tickets import ticket_issue

from .live import drain, make_user, next_output, open_socket, session_headers, token_header

pytestmark = pytest.mark.django_db(transaction=True)


def _publish(user_id: int, numbers) -> list[str]:
    return [publish(type="import.finished", data={"n": n}, user_id=user_id) for n in numbers]


def test_a_client_back_with_its_last_id_gets_what_it_missed_then_live_events():
    pro = make_user("pro")
    path, headers = f"/ws/user/{pro.pk}/notifications/", [token_header(pro)]

    async def scenario():
        ws, hello = await open_socket(path, headers)
        await ws.disconnect()
        missed = await sync_to_async(_publish)(pro.pk, range(1, 6))  # while away
        ws, again = await open_socket(f"{path}?last_event_id={hello['last_event_id']}", headers)
        replayed = await drain(ws, wait=0.2)
        live = await sync_to_async(_publish)(pro.pk, [6])
        after = await drain(ws, wait=0.2)
        await ws.disconnect()
        # the same by a first message, on a fresh socket
        ws, _ = await open_socket(path, headers)
        await ws.send_json_to({"type": "resume", "last_event_id": missed[1]})
        resumed = await drain(ws, wait=0.2)
        await ws.send_json_to({"type": "resume", "last_event_id": missed[1]})
        refused = await next_output(ws)
        await ws.disconnect()
        return hello, missed + live, again, replayed, after, resumed, refused

    hello, ids, again, replayed, after, resumed, refused = async_to_sync(scenario)()
    assert hello == {"type": "hello", "stream": f"user:{pro.pk}", "last_event_id": "0-0"}
    assert again == {"type": "hello", "stream": f"user:{pro.pk}", "last_event_id": ids[4]}
    assert [(m["id"], m["data"]["n"]) for m in replayed] == list(
        zip(ids[:5], range(1, 6), strict=True)
    )
    assert [(m["id"], m["data"]["n"]) for m in after] == [(ids[5], 6)]
    assert [m["data"]["n"] for m in resumed] == [3, 4, 5, 6]
    assert refused["type"] == "error"


def test_an_id_the_stream_no_longer_covers_gets_a_resync(settings):
    settings.REALTIME_STREAM_MAXLEN = 3
    pro = make_user("pro")
    path, headers = f"/ws/user/{pro.pk}/notifications/", [token_header(pro)]
    ids = _publish(pro.pk, range(1, 6))  # the first two are dropped

    def messages(after: str) -> list:
        async def scenario():
            ws, _hello = await open_socket(f"{path}?last_event_id={after}", headers)
            got = await drain(ws, wait=0.2)
            await ws.disconnect()
            return got

        return [m if m["type"] == "resync" else m["data"]["n"] for m in async_to_sync(scenario)()]

    resync = {"type": "resync", "last_event_id": ids[-1]}
    assert messages(ids[1]) == [3, 4, 5]  # the newest dropped one: nothing missing after it
    assert messages(ids[0]) == [resync]  # the second was dropped
    too_old, future = "1-0", f"{int(ids[-1].split('-')[0]) + 1000}-0"
    assert [messages(after) for after in (too_old, future, "n'importe")] == [[resync]] * 3


def _sse(headers: list, query: str = "", *, then=None) -> tuple[dict, list[dict]]:
    """GET /api/realtime/events/ through the ASGI application; its response start and the
    frames read until the stream goes quiet (after `then()` ran once it had)."""

    async def scenario():
        scope = {
            "type": "http", "http_version": "1.1", "method": "GET", "scheme": "http",
            "path": "/api/realtime/events/", "raw_path": b"/api/realtime/events/",
            "query_string": query.encode(), "headers": headers, "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 8000),
        }  # fmt: skip
        sse = ApplicationCommunicator(application, scope)
        await sse.send_input({"type": "http.request", "body": b"", "more_body": False})
        start = await sse.receive_output(timeout=5)
        frames, pending = [], [then] if then else []
        while True:
            if await sse.receive_nothing(timeout=0.3):  # (a receive timing out cancels the app)
                if not pending:
                    break
                await sync_to_async(pending.pop())()
                continue
            chunk = await sse.receive_output()
            if chunk.get("body"):
                frames.append(chunk["body"].decode())
            if not chunk.get("more_body"):
                break
        await sse.send_input({"type": "http.disconnect"})
        await sse.wait(timeout=5)
        return start, frames

    return async_to_sync(scenario)()


def _parsed(frames: list[str]) -> list[tuple[str | None, dict]]:
    out = []
    for frame in "".join(frames).split("\n\n"):
        fields = dict(line.split(": ", 1) for line in frame.splitlines() if ": " in line)
        if "data" in fields:
            out.append((fields.get("id"), json.loads(fields["data"])))
    return out


def test_server_sent_events_resume_from_last_event_id(settings):
    settings.REALTIME_STREAM_MAXLEN = 3  # the fourth event drops the first
    pro, boss = make_user("pro"), make_user("boss", is_staff=True)
    headers = [token_header(pro)]
    ids = _publish(pro.pk, range(1, 4))
    start, frames = _sse(
        [*headers, (b"last-event-id", ids[0].encode())],
        then=lambda: ids.extend(_publish(pro.pk, [4])),
    )
    assert start["status"] == 200
    assert (b"content-type", b"text/event-stream; charset=utf-8") in start["headers"]
    hello, *events = _parsed(frames)
    assert hello == (None, {"type": "hello", "stream": f"user:{pro.pk}", "last_event_id": ids[2]})
    assert [(i, e["id"], e["type"], e["data"]["n"]) for i, e in events] == [
        (ids[1], ids[1], "import.finished", 2),
        (ids[2], ids[2], "import.finished", 3),
        (ids[3], ids[3], "import.finished", 4),
    ]
    # behind the first event, dropped: a resync, with the id to go on from
    _, frames = _sse([*headers, (b"last-event-id", b"1-0")])
    assert _parsed(frames)[1] == (ids[3], {"type": "resync", "last_event_id": ids[3]})
    # the same sign-in and audiences as the websockets; a ticket in the query string
    refusals = {
        "nobody": _sse([])[0]["status"],
        "pro on admin": _sse(headers, "channel=admin/notifications")[0]["status"],
        "pro on another": _sse(headers, f"channel=user/{boss.pk}/notifications")[0]["status"],
        "unknown channel": _sse(headers, "channel=ailleurs")[0]["status"],
    }
    assert refusals == {
        "nobody": 401, "pro on admin": 403, "pro on another": 403, "unknown channel": 400,
    }  # fmt: skip
    # a page's session: from an allowed host only
    cookie, origin = session_headers(boss)
    assert _sse([cookie, (b"origin", b"https://evil.example")])[0]["status"] == 401
    start, frames = _sse([cookie, origin], "channel=admin/notifications")
    assert (start["status"], _parsed(frames)[0][1]["stream"]) == (200, "admins")
    ticket = ticket_issue(user_id=boss.pk)
    start, frames = _sse([], f"channel=admin/orders&ticket={ticket}")
    assert (start["status"], _parsed(frames)[0][1]["stream"]) == (200, "orders")
    assert _sse([], f"channel=admin/orders&ticket={ticket}")[0]["status"] == 401  # used


def test_server_sent_events_are_bounded_per_user(settings):
    settings.REALTIME_SSE_MAX_PER_USER = 0
    pro = make_user("pro")
    assert _sse([token_header(pro)])[0]["status"] == 429
