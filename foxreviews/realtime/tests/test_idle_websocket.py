"""A notifications websocket left idle, through the real web process and Redis, stays open and
receives the next event (redis-py 8's 5-second read timeout used to cut it). Nothing in the
platform closes an idle socket; what could expire is shortened here so that a short idleness
covers it many times: the web server's pings every 2 s (20 s in production), the channel
layer's group expiry 2 s (a day; the connection's heartbeat joins its groups again)."""

import json
import os
import secrets

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.test import Client
from websockets.sync.client import connect

from config.settings.base import channel_layer_host, redis_db
from foxreviews.core.tests.webserver import web_process
from foxreviews.realtime.consumers import user_group
from foxreviews.users.models import User

pytestmark = pytest.mark.slow
# twice the read timeout that used to cut it, six of the pings, six group expiries
IDLE_SECONDS = float(os.environ.get("FOXREVIEWS_WS_IDLE_SECONDS", "12"))


def _session_cookie(user: User) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


@pytest.mark.django_db(transaction=True)
def test_an_idle_socket_stays_open_and_receives_the_next_event():
    # an id that no other run on a shared Redis uses: the user's group is this test's alone
    user = User.objects.create_user(
        "pro-idle", id=1_000_000 + secrets.randbelow(10**9), password="pw-123456",
        role=User.Role.PRO,
    )  # fmt: skip
    group = user_group(user.pk)
    channels_url = redis_db(settings.REDIS_URL, 12)
    # its own process name: no pool, and not counted with the pool test's connections
    shortened = {
        "WEB_WS_PING_SECONDS": "2",
        "CHANNELS_GROUP_EXPIRY": "2",
        "REALTIME_HEARTBEAT_SECONDS": "0.5",
    }
    with web_process(
        18_200, CHANNELS_REDIS_URL=channels_url, FOXREVIEWS_PROCESS="web-idle-test", **shortened
    ) as port:
        headers = {"Cookie": _session_cookie(user), "Origin": f"http://127.0.0.1:{port}"}
        with connect(f"ws://127.0.0.1:{port}/ws/notifications/", additional_headers=headers) as ws:
            assert json.loads(ws.recv(timeout=10)) == {"type": "hello", "groups": [group]}
            # idle: nothing arrives for IDLE_SECONDS, and the socket is not closed meanwhile
            # (a closed socket raises ConnectionClosed here, not TimeoutError)
            with pytest.raises(TimeoutError):
                ws.recv(timeout=IDLE_SECONDS)
            layer = RedisChannelLayer(hosts=[channel_layer_host(channels_url)])
            async_to_sync(layer.group_send)(
                group, {"type": "notify", "payload": {"event": "after.idle"}}
            )
            assert json.loads(ws.recv(timeout=10)) == {
                "type": "notification",
                "payload": {"event": "after.idle"},
            }
