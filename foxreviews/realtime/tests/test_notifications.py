"""The notifications websocket over the real Redis channel layer."""

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from foxreviews.realtime.consumers import NotificationConsumer
from foxreviews.realtime.services import notify_admins, notify_user
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
