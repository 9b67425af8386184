"""The notifications websocket over the real Redis channel layer."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from rest_framework.test import APIClient

from foxreviews.imports.tests.uploading import post
from foxreviews.realtime.consumers import NotificationConsumer
from foxreviews.realtime.services import notify, notify_admins, notify_user
from foxreviews.users.models import User


def _communicator(user) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(NotificationConsumer.as_asgi(), "/ws/notifications/")
    communicator.scope["user"] = user
    return communicator


@pytest.mark.django_db(transaction=True)
def test_staff_receive_admin_notifications_and_users_their_own():
    admin = User.objects.create_user("boss", password="x", is_staff=True, role=User.Role.ADMIN)
    pro = User.objects.create_user("pro", password="x", role=User.Role.PRO)

    async def scenario():
        admin_ws, pro_ws = _communicator(admin), _communicator(pro)
        assert (await admin_ws.connect())[0] is True
        assert (await pro_ws.connect())[0] is True
        assert (await admin_ws.receive_json_from())["groups"] == [f"user-{admin.pk}", "admins"]
        assert (await pro_ws.receive_json_from())["groups"] == [f"user-{pro.pk}"]

        await sync_to_async(notify_admins)(payload={"event": "import.finished", "id": 7})
        assert await admin_ws.receive_json_from(timeout=5) == {
            "type": "notification",
            "payload": {"event": "import.finished", "id": 7},
        }
        assert await pro_ws.receive_nothing(timeout=0.3) is True

        await sync_to_async(notify_user)(user_id=pro.pk, payload={"event": "avis.approved"})
        assert (await pro_ws.receive_json_from(timeout=5))["payload"] == {"event": "avis.approved"}
        await admin_ws.disconnect()
        await pro_ws.disconnect()

    async_to_sync(scenario)()


def test_anonymous_connections_are_refused():
    async def scenario():
        ws = _communicator(AnonymousUser())
        connected, code = await ws.connect()
        assert connected is False
        assert code == 4401

    async_to_sync(scenario)()


async def _received(ws: WebsocketCommunicator) -> list[dict]:
    """Every notification that reaches `ws` within a moment."""
    payloads = []
    while not await ws.receive_nothing(timeout=0.5):
        payloads.append((await ws.receive_json_from())["payload"])
    return payloads


@pytest.mark.django_db(transaction=True)
def test_a_staff_member_receives_their_own_event_once():
    """The uploader's copy and the admins' copy both reached a staff uploader (twice before)."""
    boss = User.objects.create_user("boss", password="x", is_staff=True, role=User.Role.ADMIN)
    other_admin = User.objects.create_user("ops", password="x", is_staff=True)
    pro = User.objects.create_user("pro", password="x", role=User.Role.PRO)
    other_pro = User.objects.create_user("pro2", password="x", role=User.Role.PRO)

    async def scenario():
        sockets = [_communicator(user) for user in (boss, other_admin, pro, other_pro)]
        for ws in sockets:
            assert (await ws.connect())[0] is True
            await ws.receive_json_from()  # hello
        received = {}
        for uploader in (boss, pro):
            payload = {"event": "import.finished", "by": uploader.username}
            await sync_to_async(notify)(payload=payload, user_id=uploader.pk, admins=True)
            received[uploader.username] = [await _received(ws) for ws in sockets]
        for ws in sockets:
            await ws.disconnect()
        return received

    received = async_to_sync(scenario)()
    by_boss, by_pro = {"event": "import.finished", "by": "boss"}, {"event": "import.finished",
                                                                  "by": "pro"}  # fmt: skip
    assert received == {
        "boss": [[by_boss], [by_boss], [], []],
        "pro": [[by_pro], [by_pro], [by_pro], []],
    }


@pytest.mark.django_db(transaction=True)
def test_a_staff_member_s_upload_ends_in_one_notification_to_them():
    boss = User.objects.create_user("boss", password="x", is_staff=True, role=User.Role.ADMIN)
    client = APIClient()
    client.force_authenticate(boss)

    async def scenario():
        ws = _communicator(boss)
        assert (await ws.connect())[0] is True
        await ws.receive_json_from()  # hello
        response = await sync_to_async(post)(client, b"siret;nom\r\n73282932000074;Emile\r\n")
        assert response.status_code == 202, response.json()  # the worker's task ran, eagerly
        payloads = await _received(ws)
        await ws.disconnect()
        return response.json()["id"], payloads

    import_log, payloads = async_to_sync(scenario)()
    assert [(p["event"], p["import_log"]) for p in payloads] == [("import.finished", import_log)]
