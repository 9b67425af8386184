"""Send notifications to connected websockets (from sync code: services and tasks)."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .consumers import ADMINS_GROUP, user_group


def notify(*, payload: dict[str, Any], user_id: int | None = None, admins: bool = False) -> None:
    """Send `payload` to every connection of the user `user_id` and, with `admins`, of the
    staff; a connection in both audiences (a staff member's own upload) receives it once: the
    user's copy says that the admins get one too, and a staff connection drops it."""
    layer = get_channel_layer()
    if user_id is not None:
        async_to_sync(layer.group_send)(
            user_group(user_id), {"type": "notify", "payload": payload, "admins_too": admins}
        )
    if admins:
        async_to_sync(layer.group_send)(ADMINS_GROUP, {"type": "notify", "payload": payload})


def notify_admins(*, payload: dict[str, Any]) -> None:
    notify(payload=payload, admins=True)


def notify_user(*, user_id: int, payload: dict[str, Any]) -> None:
    notify(payload=payload, user_id=user_id)
