"""The websockets. /ws/notifications/: a user's own events, and the admins' for staff, in the
first wire format (`notification` messages: what notify*() send). The typed paths, one audience
each, with replay: /ws/admin/notifications/ and /ws/admin/orders/ (staff),
/ws/user/<id>/notifications/ (that user, or staff). Every connection: client messages limited
per minute (close 4429), its groups joined again at each heartbeat (the channel layer's group
expiry never drops a live socket), no idle timeout."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import time
from collections import deque
from datetime import UTC, datetime

import structlog
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from foxreviews.core import metrics

from . import streams
from .events import envelope, parse_event_id
from .tickets import TICKET_SUBPROTOCOL, query_value

logger = structlog.get_logger(__name__)
ADMINS_GROUP = "admins"
ORDERS_GROUP = "admin-orders"
SUBPROTOCOL = "foxreviews.live"
UNAUTHENTICATED, FORBIDDEN, TOO_MANY_MESSAGES = 4401, 4403, 4429
# the live events a connection sent before the client's first message, kept to skip them in
# a replay the client then asks for (`resume`); beyond this many, resume is refused
TRACKED_BEFORE_RESUME = 1000


def user_group(user_id: int) -> str:
    return f"user-{user_id}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class LimitedConsumer(AsyncJsonWebsocketConsumer):
    """A heartbeat (groups joined again; a `ping` message on the typed paths) and a cap on the
    messages a client sends."""

    sends_pings = True
    groups_joined: list[str]

    def subprotocol(self) -> str | None:
        """The one the client offered (a browser fails a handshake that picks none)."""
        offered = self.scope.get("subprotocols", [])
        if SUBPROTOCOL in offered:
            return SUBPROTOCOL
        return next((p for p in offered if p.startswith(TICKET_SUBPROTOCOL)), None)

    async def accept(self, subprotocol: str | None = None, headers=None) -> None:
        await super().accept(subprotocol, headers)
        if metrics.enabled():  # open until disconnect(), whoever closes
            self.gauge = metrics.websocket_connections.labels(type(self).__name__)
            self.gauge.inc()

    async def join(self, groups: list[str]) -> None:
        self.groups_joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        self.received_at: deque[float] = deque(maxlen=settings.REALTIME_MESSAGES_PER_MINUTE)

    def start_heartbeat(self) -> None:
        """Once the first messages (hello, the replay) are sent: a ping never comes first."""
        self.heartbeat = asyncio.get_running_loop().create_task(self.beat())

    async def beat(self) -> None:
        every = settings.REALTIME_HEARTBEAT_SECONDS
        # the first beat at a random point: sockets opened together do not beat together
        await asyncio.sleep(random.uniform(0, every))
        while True:
            try:
                for group in self.groups_joined:
                    await self.channel_layer.group_add(group, self.channel_name)
            except Exception as exc:  # Redis busy or away: the next beat tries again
                logger.warning("websocket heartbeat: groups not joined again", error=str(exc))
            if self.sends_pings:
                await self.send_json({"type": "ping", "at": _now()})
            await asyncio.sleep(every)

    async def disconnect(self, code: int) -> None:
        gauge = getattr(self, "gauge", None)
        if gauge is not None:
            self.gauge = None
            gauge.dec()
        heartbeat = getattr(self, "heartbeat", None)
        if heartbeat is not None:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
        try:
            for group in getattr(self, "groups_joined", []):
                await self.channel_layer.group_discard(group, self.channel_name)
        except Exception as exc:  # the group's expiry drops it
            logger.warning("websocket closed: groups not left", error=str(exc))

    async def receive(self, text_data=None, bytes_data=None, **kwargs) -> None:
        if not hasattr(self, "received_at"):
            return  # refused already
        now, window = time.monotonic(), self.received_at
        if len(window) == window.maxlen and now - window[0] < 60:
            await self.close(code=TOO_MANY_MESSAGES)
            return
        window.append(now)
        try:
            content = json.loads(text_data if text_data is not None else bytes_data)
        except (TypeError, ValueError):
            await self.send_json({"type": "error", "message": "Message JSON attendu."})
            return
        if not isinstance(content, dict):
            await self.send_json({"type": "error", "message": "Objet JSON attendu."})
            return
        await self.receive_json(content)

    async def receive_json(self, content: dict, **kwargs) -> None:
        if content.get("type") == "ping":
            await self.send_json({"type": "pong", "at": _now()})
        else:
            await self.send_json({"type": "error", "message": "Type de message inconnu."})


class NotificationConsumer(LimitedConsumer):
    """/ws/notifications/: each user listens on their own group, staff also on `admins`."""

    sends_pings = False  # the first wire format, unchanged

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        groups = [user_group(user.pk)]
        if user.is_staff:
            groups.append(ADMINS_GROUP)
        await self.join(groups)
        await self.accept(self.subprotocol())
        await self.send_json({"type": "hello", "groups": self.groups_joined})
        self.start_heartbeat()

    async def notify(self, event: dict) -> None:
        if event.get("payload") is None:
            return  # a typed event only (emit()): the typed paths carry it
        if event.get("admins_too") and ADMINS_GROUP in self.groups_joined:
            return  # the copy sent to the admins' group reaches this connection
        await self.send_json({"type": "notification", "payload": event["payload"]})


class LiveConsumer(LimitedConsumer):
    """One audience's typed events: `hello` (the newest event id now), what was missed after
    `?last_event_id=` (or a first message `{"type": "resume", "last_event_id": ...}`), else a
    `resync` when that is no longer kept; then live events, none twice. Refused after the
    handshake, so that a browser sees the code: 4401 without a sign-in, 4403 for another's."""

    def audience(self, user) -> tuple[str, str] | None:
        """(group, stream) this user may read on this path, None if refused."""
        raise NotImplementedError

    async def connect(self) -> None:
        await self.accept(self.subprotocol())
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=UNAUTHENTICATED)
            return
        audience = self.audience(user)
        if audience is None:
            await self.close(code=FORBIDDEN)
            return
        group, self.stream = audience
        self.skip_upto: tuple[int, int] | None = None  # replayed: not sent again live
        self.sent_live: set[str] | None = set()  # until the client's first message
        await self.join([group])  # before reading the stream: nothing falls between
        client = streams.async_client()
        try:
            here = await streams.position(client)
            await self.send_json({"type": "hello", "stream": self.stream, "last_event_id": here})
            after = query_value(self.scope, "last_event_id")
            if after:
                self.sent_live = None
                await self.replay(client, after)
        finally:
            await client.aclose()
        self.start_heartbeat()

    async def replay(self, client, after: str) -> None:
        """Send what followed `after`; live events waiting behind this handler (the consumer
        handles one message at a time) that it covered are skipped in `notify`."""
        if not await streams.can_resume(client, stream=self.stream, after=after):
            here = await streams.position(client)
            await self.send_json({"type": "resync", "last_event_id": here})
            return
        sent, high = self.sent_live or set(), after
        async for batch in streams.read_after(client, stream=self.stream, after=after):
            for event in batch:
                if event["id"] not in sent:
                    await self.send_json(event)
            high = batch[-1]["id"]
        self.skip_upto = parse_event_id(high)

    async def receive_json(self, content: dict, **kwargs) -> None:
        sent, self.sent_live = self.sent_live, None  # a resume comes first, or not at all
        if content.get("type") != "resume":
            await super().receive_json(content)
            return
        after = content.get("last_event_id")
        if sent is None or not isinstance(after, str):
            message = "« resume » : en premier message seulement, avec « last_event_id »."
            await self.send_json({"type": "error", "message": message})
            return
        self.sent_live = sent
        client = streams.async_client()
        try:
            await self.replay(client, after)
        finally:
            self.sent_live = None
            await client.aclose()

    async def notify(self, message: dict) -> None:
        body = message.get("event")
        if body is None:
            return  # from an older sender: a payload without a type, /ws/notifications/ only
        event_id = parse_event_id(body["id"])
        if self.skip_upto is not None and event_id <= self.skip_upto:
            return
        if self.sent_live is not None:
            self.sent_live.add(body["id"])
            if len(self.sent_live) > TRACKED_BEFORE_RESUME:
                self.sent_live = None
        await self.send_json(envelope(event_id=body["id"], body=body))


class AdminNotificationsConsumer(LiveConsumer):
    def audience(self, user) -> tuple[str, str] | None:
        return (ADMINS_GROUP, "admins") if user.is_staff else None


class AdminOrdersConsumer(LiveConsumer):
    def audience(self, user) -> tuple[str, str] | None:
        return (ORDERS_GROUP, "orders") if user.is_staff else None


class UserNotificationsConsumer(LiveConsumer):
    def audience(self, user) -> tuple[str, str] | None:
        user_id = self.scope["url_route"]["kwargs"]["user_id"]
        if user.pk != user_id and not user.is_staff:
            return None
        return user_group(user_id), streams.stream_name(user_id)
