"""A notifications websocket left idle for minutes, through the real web process and Redis,
stays open and receives the next event (redis-py 8's 5-second read timeout used to cut it)."""

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

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
# minutes in the main run; the run against the external servers repeats it shorter
IDLE_SECONDS = float(os.environ.get("FOXREVIEWS_WS_IDLE_SECONDS", "180"))


def test_an_idle_websocket_stays_open_and_gets_the_next_event():
    User.objects.create_user("boss", password="pw-123456", is_staff=True, role=User.Role.ADMIN)
    client = Client()
    assert client.login(username="boss", password="pw-123456")
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    channels_url = redis_db(settings.REDIS_URL, 12)
    with web_process(18_200, CHANNELS_REDIS_URL=channels_url) as port:
        headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}",
                   "Origin": f"http://127.0.0.1:{port}"}  # fmt: skip
        with connect(f"ws://127.0.0.1:{port}/ws/notifications/", additional_headers=headers) as ws:
            assert json.loads(ws.recv(timeout=10))["type"] == "hello"
            time.sleep(IDLE_SECONDS)
            layer = RedisChannelLayer(hosts=[channel_layer_host(channels_url)])
            async_to_sync(layer.group_send)(
                ADMINS_GROUP, {"type": "notify", "payload": {"event": "after.idle"}}
            )
            assert json.loads(ws.recv(timeout=10)) == {
                "type": "notification",
                "payload": {"event": "after.idle"},
            }
