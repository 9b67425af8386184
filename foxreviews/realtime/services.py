"""Send events to connected websockets and SSE clients (from sync code: services and tasks).

`emit()` is the typed entry point: after the current transaction commits (at once outside
one), the event gets its id in the audience's replay stream, then goes to the live groups.
`notify()`, `notify_admins()` and `notify_user()` are the older entry points, kept with their
signatures: they send at once (their callers are on_commit callbacks and tasks already)."""

from __future__ import annotations

import json
from typing import Any

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from . import streams
from .consumers import ADMINS_GROUP, ORDERS_GROUP, user_group
from .events import EVENT_VERSIONS, event_type_valid

logger = structlog.get_logger(__name__)


def emit(
    *,
    type: str,
    data: dict[str, Any],
    user_id: int | None = None,
    admins: bool = False,
) -> None:
    """Send the event `type` to the user `user_id` and/or the staff after the current
    transaction commits: an event of a transaction rolled back is never sent. Nothing raised
    by sending reaches the caller (logged): a lost event must not fail the write it reports."""

    def send() -> None:
        try:
            publish(type=type, data=data, user_id=user_id, admins=admins)
        except Exception as exc:
            logger.warning("realtime event not sent", type=type, error=str(exc)[:200])

    transaction.on_commit(send)


def publish(
    *,
    type: str,
    data: dict[str, Any],
    user_id: int | None = None,
    admins: bool = False,
    legacy_payload: dict[str, Any] | None = None,
) -> str:
    """Send now: into the replay streams (one id), then to the groups. A staff member's
    connection to /ws/notifications/ is in both groups and gets the event once: the user's
    copy says the admins get one too. Order events also go to the orders' stream and group.
    Returns the event's id."""
    if not event_type_valid(type):
        raise ValueError(f"not an event type: {type!r}")
    if user_id is None and not admins:
        raise ValueError("an event needs an audience: user_id, admins, or both")
    # as JSON gives it (dates, decimals as text): the same live and replayed
    data = json.loads(json.dumps(data, cls=DjangoJSONEncoder))
    body = {"type": type, "version": EVENT_VERSIONS.get(type, 1), "data": data}
    to_orders = admins and type.startswith("order.")
    names = [streams.stream_name(a) for a in _audiences(user_id, admins, to_orders)]
    event_id = streams.append(streams=names, body=body)
    event = {"id": event_id, **body}
    # /ws/notifications/ shows only what came through notify*(), as it always did
    message = {"type": "notify", "payload": legacy_payload, "event": event}
    layer = get_channel_layer()
    if user_id is not None:
        async_to_sync(layer.group_send)(user_group(user_id), {**message, "admins_too": admins})
    if admins:
        async_to_sync(layer.group_send)(ADMINS_GROUP, message)
    if to_orders:
        async_to_sync(layer.group_send)(ORDERS_GROUP, message)
    return event_id


def _audiences(user_id: int | None, admins: bool, orders: bool) -> list[str | int]:
    return [
        *([user_id] if user_id is not None else []),
        *(["admins"] if admins else []),
        *(["orders"] if orders else []),
    ]


def _typed(payload: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The type and data of an older payload: `{"event": type, ...fields}` (imports, claims)
    or `{"type": type, "data": {...}}`."""
    if "event" in payload:
        return payload["event"], {k: v for k, v in payload.items() if k != "event"}
    if "type" in payload:
        data = payload.get("data")
        if not isinstance(data, dict):
            data = {k: v for k, v in payload.items() if k != "type"}
        return payload["type"], data
    return "notification.message", dict(payload)


def notify(*, payload: dict[str, Any], user_id: int | None = None, admins: bool = False) -> None:
    """Send `payload` to every connection of the user `user_id` and, with `admins`, of the
    staff, now (call it from an on_commit callback or a task). /ws/notifications/ receives
    `payload` as it is; the other paths its typed envelope."""
    event_type, data = _typed(payload)
    if not event_type_valid(event_type):
        event_type, data = "notification.message", dict(payload)
    publish(type=event_type, data=data, user_id=user_id, admins=admins, legacy_payload=payload)


def notify_admins(*, payload: dict[str, Any]) -> None:
    notify(payload=payload, admins=True)


def notify_user(*, user_id: int, payload: dict[str, Any]) -> None:
    notify(payload=payload, user_id=user_id)


def progress_due(*, key: str, every_ms: int = 1000) -> bool:
    """Whether a progress event for `key` may go now: one every `every_ms` at most, across
    processes (a Redis key that lives that long)."""
    return bool(streams.sync_client().set(streams.progress_key(key), 1, nx=True, px=every_ms))
