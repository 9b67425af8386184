"""A notifications websocket left idle for minutes, through the real web process and Redis,
stays open and receives the next event (redis-py 8's 5-second read timeout used to cut it).

The socket opens in the suite's first test and is checked in its last (conftest.py orders
them), so its minutes of silence pass while the rest of the suite runs."""

import contextlib
import json
import os
import time

import pytest
from asgiref.sync import async_to_sync
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.test import Client
from websockets.sync.client import connect

from config.settings.base import channel_layer_host, redis_db
from foxreviews.core.tests.webserver import web_process
from foxreviews.realtime.consumers import ADMINS_GROUP
from foxreviews.users.models import User

pytestmark = pytest.mark.slow
# minutes in the main run; the run against the external servers repeats it shorter
IDLE_SECONDS = float(os.environ.get("FOXREVIEWS_WS_IDLE_SECONDS", "180"))


@pytest.fixture(scope="session")
def idle_socket(django_db_setup):
    """The web process and the socket, from the first test to the end of the session."""
    channels_url = redis_db(settings.REDIS_URL, 12)
    state = {"channels_url": channels_url}
    # its own process name: no pool, and not counted with the pool test's "foxreviews-web"
    with (
        web_process(18_200, CHANNELS_REDIS_URL=channels_url,
                    FOXREVIEWS_PROCESS="web-idle-test") as port,
        contextlib.ExitStack() as open_sockets,
    ):  # fmt: skip
        state["port"], state["sockets"] = port, open_sockets
        yield state


@pytest.mark.first
@pytest.mark.django_db(transaction=True)
def test_an_admin_opens_the_notifications_socket(idle_socket):
    User.objects.create_user("boss", password="pw-123456", is_staff=True, role=User.Role.ADMIN)
    client = Client()
    assert client.login(username="boss", password="pw-123456")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    port = idle_socket["port"]
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
               "Origin": f"http://127.0.0.1:{port}"}  # fmt: skip
    socket = idle_socket["sockets"].enter_context(
        connect(f"ws://127.0.0.1:{port}/ws/notifications/", additional_headers=headers)
    )
    idle_socket["socket"] = socket
    assert json.loads(socket.recv(timeout=10))["type"] == "hello"
    idle_socket["opened"] = time.monotonic()


@pytest.mark.last
def test_the_idle_socket_is_still_open_and_gets_the_next_event(idle_socket):
    assert "opened" in idle_socket, "the socket did not open (see the first test)"
    time.sleep(max(0.0, IDLE_SECONDS - (time.monotonic() - idle_socket["opened"])))
    assert time.monotonic() - idle_socket["opened"] >= IDLE_SECONDS
    layer = RedisChannelLayer(hosts=[channel_layer_host(idle_socket["channels_url"])])
    async_to_sync(layer.group_send)(
        ADMINS_GROUP, {"type": "notify", "payload": {"event": "after.idle"}}
    )
    assert json.loads(idle_socket["socket"].recv(timeout=10)) == {
        "type": "notification",
        "payload": {"event": "after.idle"},
    }
