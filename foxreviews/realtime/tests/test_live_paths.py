"""The typed websocket paths: who may open which (4401 without a sign-in, 4403 for another's),
tickets (once, for 60 s), the per-connection message limit (4429), events after commit only,
once per connection whatever groups, and the heartbeat that keeps an idle socket's groups."""

import time

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from django.core.signing import TimestampSigner, b62_encode
from django.db import transaction
from rest_framework.test import APIClient

from foxreviews.imports.tests.uploading import post
from foxreviews.realtime import streams
from foxreviews.realtime.services import emit, notify, publish
from foxreviews.realtime.tickets import SALT, SEPARATOR, ticket_issue

from .live import ORIGIN, drain, make_user, next_output, open_socket, session_headers, token_header

pytestmark = pytest.mark.django_db(transaction=True)


def _first(path: str, headers=(), subprotocols=None) -> dict:
    async def scenario():
        ws, first = await open_socket(path, headers, subprotocols)
        await ws.disconnect()
        return first

    return async_to_sync(scenario)()


def _kind(first: dict) -> str | int:
    """`hello` for an accepted socket, else its close code."""
    return first.get("type") or first.get("close") or first


def test_every_path_admits_its_audience_only():
    pro, other, boss = make_user("pro"), make_user("autre"), make_user("boss", is_staff=True)
    gone = make_user("parti", is_active=False)
    paths = {
        "admin": "/ws/admin/notifications/",
        "orders": "/ws/admin/orders/",
        "own": f"/ws/user/{pro.pk}/notifications/",
    }
    signins = {
        "nobody": [ORIGIN],
        "bad token": [(b"authorization", b"Token nope")],
        "inactive": [token_header(gone)],
        "pro": [token_header(pro)],
        "other pro": session_headers(other),
        "staff": session_headers(boss),
    }
    seen = {
        (who, name): _kind(_first(path, headers))
        for who, headers in signins.items()
        for name, path in paths.items()
    }
    assert seen == {
        ("nobody", "admin"): 4401, ("nobody", "orders"): 4401, ("nobody", "own"): 4401,
        ("bad token", "admin"): 4401, ("bad token", "orders"): 4401, ("bad token", "own"): 4401,
        ("inactive", "admin"): 4401, ("inactive", "orders"): 4401, ("inactive", "own"): 4401,
        ("pro", "admin"): 4403, ("pro", "orders"): 4403, ("pro", "own"): "hello",
        ("other pro", "admin"): 4403, ("other pro", "orders"): 4403, ("other pro", "own"): 4403,
        ("staff", "admin"): "hello", ("staff", "orders"): "hello", ("staff", "own"): "hello",
    }  # fmt: skip
    # a session from another site's page is refused at the handshake (the server answers
    # HTTP 403: there is no code to read)
    cookie = session_headers(boss)[0]
    assert _first(paths["admin"], [cookie, (b"origin", b"https://evil.example")]) == {
        "refused": 1000
    }
    # the first message: the newest event id now, for a client with no position of its own
    publish(type="avis.pending", data={"avis": 1}, admins=True)
    newest = streams.sync_client().get(streams.clock_key()).decode()
    assert _first(paths["admin"], session_headers(boss)) == {
        "type": "hello", "stream": "admins", "last_event_id": newest,
    }  # fmt: skip


def test_a_ticket_opens_one_socket_once_within_its_minute():
    pro, other = make_user("pro"), make_user("autre")
    api = APIClient()
    assert api.post("/api/realtime/ticket/").status_code == 403
    api.force_authenticate(pro)
    response = api.post("/api/realtime/ticket/")
    assert response.status_code == 201
    assert response.json()["expires_in"] == 60
    ticket = response.json()["ticket"]
    own = f"/ws/user/{pro.pk}/notifications/"
    assert _kind(_first(f"{own}?ticket={ticket}")) == "hello"
    assert _first(f"{own}?ticket={ticket}") == {"close": 4401}  # used already

    # as a subprotocol (a browser cannot set headers): the server picks the client's own
    async def by_subprotocol(ticket: str):
        ws, first = await open_socket(own, subprotocols=["foxreviews.live", f"ticket.{ticket}"])
        await ws.disconnect()
        return ws.subprotocol, _kind(first)

    assert async_to_sync(by_subprotocol)(ticket_issue(user_id=pro.pk)) == (
        "foxreviews.live", "hello",
    )  # fmt: skip
    # another user's path, a forged ticket, one signed 61 seconds ago
    assert _first(f"{own}?ticket={ticket_issue(user_id=other.pk)}") == {"close": 4403}
    forged = ticket_issue(user_id=pro.pk)[:-2] + "xx"
    assert _first(f"{own}?ticket={forged}") == {"close": 4401}

    class SignedBefore(TimestampSigner):
        def timestamp(self) -> str:
            return b62_encode(int(time.time()) - 61)

    old = SignedBefore(salt=SALT, sep=SEPARATOR).sign_object({"u": pro.pk, "t": "old-one"})
    assert _first(f"{own}?ticket={old}") == {"close": 4401}


def test_a_client_sending_too_much_is_closed(settings):
    settings.REALTIME_MESSAGES_PER_MINUTE = 3
    pro = make_user("pro")
    headers = [token_header(pro)]

    async def scenario():
        ws, _hello = await open_socket(f"/ws/user/{pro.pk}/notifications/", headers)
        answers = []
        for _ in range(3):
            await ws.send_json_to({"type": "ping"})
            answers.append((await next_output(ws))["type"])
        await ws.send_to(text_data="not json")
        answers.append(await next_output(ws))
        await ws.disconnect()
        return answers

    assert async_to_sync(scenario)() == ["pong", "pong", "pong", {"close": 4429}]


def test_an_event_of_a_rolled_back_transaction_never_arrives():
    boss = make_user("boss", is_staff=True)

    async def scenario():
        ws, _hello = await open_socket("/ws/admin/notifications/", session_headers_of_boss)

        def write(fail: bool):
            try:
                with transaction.atomic():
                    emit(type="avis.pending", data={"avis": 1 if fail else 2}, admins=True)
                    if fail:
                        raise RuntimeError("rolled back")
            except RuntimeError:
                pass

        await sync_to_async(write)(fail=True)
        await sync_to_async(write)(fail=False)
        got = await drain(ws)
        await ws.disconnect()
        return got

    session_headers_of_boss = session_headers(boss)
    got = async_to_sync(scenario)()
    assert [(m["type"], m["version"], m["data"]) for m in got] == [("avis.pending", 1, {"avis": 2})]
    assert set(got[0]) == {"id", "type", "version", "at", "data"}
    # not in the replay stream either
    assert streams.sync_client().xlen(streams.stream_key("admins")) == 1


def test_each_connection_receives_an_event_once():
    """A staff uploader's event goes to their own stream and the admins' one under one id:
    each of their sockets gets it once; the orders' stream gets order events only."""
    boss, ops = make_user("boss", is_staff=True), make_user("ops", is_staff=True)
    pro = make_user("pro")
    sockets = {
        "boss admin": ("/ws/admin/notifications/", session_headers(boss)),
        "boss own": (f"/ws/user/{boss.pk}/notifications/", session_headers(boss)),
        "boss legacy": ("/ws/notifications/", session_headers(boss)),
        "ops admin": ("/ws/admin/notifications/", session_headers(ops)),
        "ops orders": ("/ws/admin/orders/", session_headers(ops)),
        "pro own": (f"/ws/user/{pro.pk}/notifications/", session_headers(pro)),
    }

    async def scenario():
        opened = {name: (await open_socket(*where))[0] for name, where in sockets.items()}
        await sync_to_async(notify)(
            payload={"event": "import.finished", "import_log": 7}, user_id=boss.pk, admins=True
        )
        await sync_to_async(publish)(type="order.paid", data={"order": 3}, admins=True)
        got = {name: await drain(ws) for name, ws in opened.items()}
        for ws in opened.values():
            await ws.disconnect()
        return got

    got = async_to_sync(scenario)()
    summary = {
        name: [m["payload"] if m["type"] == "notification" else (m["type"], m["data"])
               for m in messages]
        for name, messages in got.items()
    }  # fmt: skip
    finished, paid = ("import.finished", {"import_log": 7}), ("order.paid", {"order": 3})
    assert summary == {
        "boss admin": [finished, paid],
        "boss own": [finished],
        # the first wire format, for what notify() sends only
        "boss legacy": [{"event": "import.finished", "import_log": 7}],
        "ops admin": [finished, paid],
        "ops orders": [paid],
        "pro own": [],
    }  # fmt: skip
    assert got["boss admin"][0]["id"] == got["boss own"][0]["id"]
    assert got["ops orders"][0]["id"] == got["ops admin"][1]["id"]


def test_an_idle_socket_keeps_its_groups_past_their_expiry(settings):
    """The channel layer forgets a group member after `group_expiry` (a day in production);
    the heartbeat joins again, so an idle socket still receives: here the expiry is 1 s, the
    heartbeat 0.3 s, the idleness 3 s."""
    settings.CHANNEL_LAYERS = {
        "default": {
            **settings.CHANNEL_LAYERS["default"],
            "CONFIG": {**settings.CHANNEL_LAYERS["default"]["CONFIG"], "group_expiry": 1},
        }
    }
    settings.REALTIME_HEARTBEAT_SECONDS = 0.3
    pro = make_user("pro")
    headers = [token_header(pro)]

    async def scenario():
        ws, _hello = await open_socket(f"/ws/user/{pro.pk}/notifications/", headers)
        started, pings = time.monotonic(), 0
        while time.monotonic() - started < 3:
            message = await next_output(ws, timeout=1)
            assert message["type"] == "ping"
            pings += 1
        await sync_to_async(publish)(type="import.finished", data={"n": 1}, user_id=pro.pk)
        message, deadline = {"type": "ping"}, time.monotonic() + 2
        while message["type"] == "ping" and time.monotonic() < deadline:
            message = await next_output(ws, timeout=1)  # out of its group: only pings
        await ws.disconnect()
        return pings, message["data"]

    pings, data = async_to_sync(scenario)()
    assert pings >= 8
    assert data == {"n": 1}


def test_an_upload_shows_its_start_progress_and_end_on_the_staff_socket():
    """The emitters of the imports: started (the worker takes it), progress (each committed
    chunk, one a second at most), finished; the uploader's own stream gets them too."""
    boss, pro = make_user("boss", is_staff=True), make_user("pro")
    client = APIClient()
    client.force_authenticate(pro)
    rows = b"".join(b"7328293200%04d;Boulang\xc3\xa9rie %d\r\n" % (i, i) for i in range(12))

    async def scenario():
        admin, _ = await open_socket("/ws/admin/notifications/", staff_headers)
        own, _ = await open_socket(f"/ws/user/{pro.pk}/notifications/", pro_headers)
        response = await sync_to_async(post)(client, b"siret;nom\r\n" + rows)
        got = [await drain(admin), await drain(own)]
        await admin.disconnect()
        await own.disconnect()
        return response, got

    staff_headers, pro_headers = session_headers(boss), [token_header(pro)]
    response, (to_staff, to_owner) = async_to_sync(scenario)()
    assert response.status_code == 202, response.json()
    import_log = response.json()["id"]
    seen = [(m["type"], m["data"]["import_log"], m["data"]["rows_read"]) for m in to_staff]
    assert seen == [
        ("import.started", import_log, 0),
        ("import.progress", import_log, 12),
        ("import.finished", import_log, 12),
    ]
    assert [m["id"] for m in to_owner] == [m["id"] for m in to_staff]
