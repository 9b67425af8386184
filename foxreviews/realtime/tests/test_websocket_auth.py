"""Who may open /ws/notifications/, through the platform's whole ASGI application: an API client
by its REST token (no Origin needed: a page cannot send that header), a page by its session
cookie from an allowed Origin; nobody else."""

import json
import secrets

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from config.asgi import application
from config.settings.base import channel_layer_host, redis_db
from foxreviews.core.tests.webserver import web_process
from foxreviews.realtime.consumers import user_group
from foxreviews.users.models import User

pytestmark = pytest.mark.django_db(transaction=True)


def _open(headers: list[tuple[bytes, bytes]]) -> tuple[bool, dict | None]:
    """Connect with these headers; whether it was accepted, and its first message."""

    async def scenario():
        ws = WebsocketCommunicator(application, "/ws/notifications/", headers=headers)
        connected, _ = await ws.connect()
        hello = await ws.receive_json_from(timeout=5) if connected else None
        await ws.disconnect()
        return connected, hello

    return async_to_sync(scenario)()


def _token(username: str, **fields) -> bytes:
    user = User.objects.create_user(username, password="pw-123456", **fields)
    return Token.objects.create(user=user).key.encode()


def test_a_token_opens_the_socket_without_an_origin():
    key = _token("robot", role=User.Role.PRO)
    robot = User.objects.get(username="robot")
    connected, hello = _open([(b"authorization", b"Token " + key)])
    assert connected is True
    assert hello == {"type": "hello", "groups": [f"user-{robot.pk}"]}


def test_a_staff_token_also_joins_the_admins():
    key = _token("boss", is_staff=True, role=User.Role.ADMIN)
    boss = User.objects.get(username="boss")
    assert _open([(b"authorization", b"token " + key), (b"origin", b"https://elsewhere.example")])[
        1
    ] == {"type": "hello", "groups": [f"user-{boss.pk}", "admins"]}


@pytest.mark.parametrize(
    "authorization",
    [b"Token nope", b"Bearer {key}", b"Token", b"Token {key} extra", b"{key}", b""],
)
def test_a_wrong_token_or_another_scheme_is_refused(authorization):
    key = _token("robot", role=User.Role.PRO)
    assert _open([(b"authorization", authorization.replace(b"{key}", key))]) == (False, None)


def test_the_token_of_an_inactive_user_is_refused():
    key = _token("gone", role=User.Role.PRO, is_active=False)
    assert _open([(b"authorization", b"Token " + key)]) == (False, None)


def _session_cookie(username: str) -> str:
    client = Client()
    client.force_login(User.objects.create_user(username, password="pw-123456"))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def test_a_session_cookie_needs_a_page_of_an_allowed_host():
    cookie = _session_cookie("visitor").encode()
    assert _open([(b"cookie", cookie), (b"origin", b"https://evil.example")]) == (False, None)
    assert _open([(b"cookie", cookie)]) == (False, None)
    connected, hello = _open([(b"cookie", cookie), (b"origin", b"http://127.0.0.1:8000")])
    assert connected is True
    assert hello["groups"] == [f"user-{User.objects.get(username='visitor').pk}"]


def test_nobody_is_refused():
    assert _open([(b"origin", b"http://127.0.0.1:8000")]) == (False, None)


@pytest.mark.slow  # a web process, as `foxreviews up` runs it
def test_the_readme_example_signs_in_with_a_token_through_the_web_server():
    """/ws/notifications/ with a REST token in the Authorization header, as existing scripts
    do (websockets' client sends no Origin)."""
    # an id that no other run on a shared Redis uses: the user's group is this test's alone
    user = User.objects.create_user(
        "robot", id=1_000_000 + secrets.randbelow(10**9), password="pw-123456",
        role=User.Role.PRO,
    )  # fmt: skip
    # the token POST /api/auth/token/ gives (test_uploads_api signs in so; the web process does
    # not check the tests' fast password hashes)
    token = Token.objects.create(user=user).key
    channels_url = redis_db(settings.REDIS_URL, 12)
    with (
        web_process(18_300, CHANNELS_REDIS_URL=channels_url) as port,
        connect(
            f"ws://127.0.0.1:{port}/ws/notifications/",
            additional_headers={"Authorization": f"Token {token}"},
        ) as ws,
    ):
        assert json.loads(ws.recv(timeout=10)) == {
            "type": "hello",
            "groups": [user_group(user.pk)],
        }
        layer = RedisChannelLayer(hosts=[channel_layer_host(channels_url)])
        async_to_sync(layer.group_send)(
            user_group(user.pk), {"type": "notify", "payload": {"event": "import.finished"}}
        )
        assert json.loads(ws.recv(timeout=10)) == {
            "type": "notification",
            "payload": {"event": "import.finished"},
        }


@pytest.mark.slow  # a web process, as `foxreviews up` runs it
def test_the_readme_example_gets_a_ticket_and_opens_a_typed_path_through_the_web_server():
    """README, "Live events": a ticket from POST /api/realtime/ticket/, offered as a
    subprotocol beside `foxreviews.live`; the hello, then a typed event (a user's own path
    here: the admins' group is shared by every run on a shared Redis)."""
    import httpx

    user = User.objects.create_user(
        "robot", id=1_000_000 + secrets.randbelow(10**9), password="pw-123456",
        role=User.Role.PRO,
    )  # fmt: skip
    token = Token.objects.create(user=user).key
    channels_url = redis_db(settings.REDIS_URL, 12)
    with web_process(18_350, CHANNELS_REDIS_URL=channels_url) as port:
        base = f"127.0.0.1:{port}"
        ticket = httpx.post(
            f"http://{base}/api/realtime/ticket/", headers={"Authorization": f"Token {token}"}
        ).json()["ticket"]
        url = f"ws://{base}/ws/user/{user.pk}/notifications/"
        with connect(url, subprotocols=["foxreviews.live", f"ticket.{ticket}"]) as ws:
            assert ws.subprotocol == "foxreviews.live"
            hello = json.loads(ws.recv(timeout=10))
            assert (hello["type"], hello["stream"]) == ("hello", f"user:{user.pk}")
            layer = RedisChannelLayer(hosts=[channel_layer_host(channels_url)])
            event = {"id": "1796029583571-0", "type": "avis.pending", "version": 1, "data": {}}
            async_to_sync(layer.group_send)(
                user_group(user.pk), {"type": "notify", "payload": None, "event": event}
            )
            assert json.loads(ws.recv(timeout=10)) == {
                **event, "at": "2026-11-30T09:06:23.571+00:00",
            }  # fmt: skip
        # the same ticket again: the browser-visible close code of a refused sign-in
        with (
            connect(url, subprotocols=["foxreviews.live", f"ticket.{ticket}"]) as ws,
            pytest.raises(ConnectionClosed) as closed,
        ):
            ws.recv(timeout=10)
        assert closed.value.rcvd.code == 4401
