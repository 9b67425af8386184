"""Send notifications to connected websockets (from sync code: services and tasks)."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .consumers import ADMINS_GROUP, user_group


def notify_admins(*, payload: dict[str, Any]) -> None:
    async_to_sync(get_channel_layer().group_send)(
        ADMINS_GROUP, {"type": "notify", "payload": payload}
    )


def notify_user(*, user_id: int, payload: dict[str, Any]) -> None:
    async_to_sync(get_channel_layer().group_send)(
        user_group(user_id), {"type": "notify", "payload": payload}
    )
