"""GET /api/realtime/events/: the events as Server-Sent Events, for a client that cannot open a
websocket. An ASGI route of its own, ahead of the WSGI application: a stream held open in the
WSGI thread pool would take a thread for its whole life; here it costs a coroutine and the
Redis connection its XREAD BLOCK waits on.

Same sign-in as the websockets (token, ticket, session cookie with its Origin checked), same
audiences (`?channel=admin/notifications`, `admin/orders`, `user/<id>/notifications`; by
default the user's own), same streams and ids: `Last-Event-ID` (or `?last_event_id=`) resumes,
too old an id gets a `resync`. A comment every REALTIME_SSE_HEARTBEAT_SECONDS; at most
REALTIME_SSE_MAX_PER_USER streams per user in a web process (429 beyond)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from collections import Counter
from importlib import import_module
from urllib.parse import urlsplit

from channels.auth import get_user
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import parse_cookie
from django.http.request import validate_host

from foxreviews.core import metrics

from . import streams
from .auth import user_for_credentials
from .tickets import query_value

EVENTS_PATH = "/api/realtime/events/"
ADMIN_CHANNELS = {"admin/notifications": "admins", "admin/orders": "orders"}
USER_CHANNEL = re.compile(r"^user/(\d{1,18})/notifications$")
open_streams: Counter[int] = Counter()  # per user, in this process


def http_application(wsgi_application):
    """The HTTP side of the ASGI application: the event stream here, the rest to Django."""

    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == EVENTS_PATH:
            return await events(scope, receive, send)
        return await wsgi_application(scope, receive, send)

    return application


def _header(scope: dict, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


async def _json(send, status: int, message: str, extra: dict | None = None) -> None:
    body = json.dumps({"message": message, "extra": extra or {}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _origin_allowed(scope: dict) -> bool:
    """A page's request (it sends an Origin) from an allowed host; a request without one (a
    same-origin EventSource may send none) cannot be a cross-site page's."""
    origin = _header(scope, b"origin")
    if origin is None:
        return True
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = ["localhost", "127.0.0.1", "[::1]"]
    host = urlsplit(origin).hostname
    return bool(host) and validate_host(host, allowed)


async def _user(scope: dict):
    user = await user_for_credentials(scope)
    if user is not None:
        return user
    cookie = _header(scope, b"cookie")
    key = parse_cookie(cookie).get(settings.SESSION_COOKIE_NAME) if cookie else None
    if not key or not _origin_allowed(scope):
        return AnonymousUser()
    session = import_module(settings.SESSION_ENGINE).SessionStore(key)
    return await get_user({"session": session})


def _stream_for(user, channel: str) -> str | None:
    """The stream this user may read on `channel`, None if refused."""
    if channel == "notifications":
        return streams.stream_name(user.pk)
    if channel in ADMIN_CHANNELS:
        return ADMIN_CHANNELS[channel] if user.is_staff else None
    match = USER_CHANNEL.match(channel)
    if match and (int(match[1]) == user.pk or user.is_staff):
        return streams.stream_name(int(match[1]))
    return None


async def events(scope, receive, send) -> None:
    if scope["method"] != "GET":
        await _json(send, 405, "Méthode non autorisée : GET seulement.")
        return
    user = await _user(scope)
    if not user.is_authenticated:
        await _json(send, 401, "Authentification requise (jeton, ticket ou session).")
        return
    channel = (query_value(scope, "channel") or "notifications").strip("/")
    stream = _stream_for(user, channel)
    if stream is None:
        known = "admin/notifications, admin/orders, user/<id>/notifications, notifications"
        known_channel = channel in known.split(", ") or USER_CHANNEL.match(channel)
        await _json(send, 403 if known_channel else 400, "Flux refusé.", {"channel": channel})
        return
    if open_streams[user.pk] >= settings.REALTIME_SSE_MAX_PER_USER:
        await _json(send, 429, "Trop de flux ouverts pour ce compte.")
        return
    open_streams[user.pk] += 1
    counted = metrics.enabled()
    if counted:
        metrics.sse_streams.inc()
    try:
        after = _header(scope, b"last-event-id") or query_value(scope, "last_event_id")
        await _serve(receive, send, stream=stream, after=after)
    finally:
        if counted:
            metrics.sse_streams.dec()
        open_streams[user.pk] -= 1
        if open_streams[user.pk] <= 0:
            del open_streams[user.pk]


def _frame(message: dict, event_id: str | None = None) -> bytes:
    head = f"id: {event_id}\n" if event_id else ""
    return f"{head}data: {json.dumps(message, separators=(',', ':'))}\n\n".encode()


async def _serve(receive, send, *, stream: str, after: str | None) -> None:
    async def body(chunk: bytes) -> None:
        await send({"type": "http.response.body", "body": chunk, "more_body": True})

    async def until_disconnect() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    client = streams.async_client()
    gone = asyncio.get_running_loop().create_task(until_disconnect())
    read = None
    try:
        cursor = await streams.position(client)
        headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),  # nginx: no buffering of the stream
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await body(_frame({"type": "hello", "stream": stream, "last_event_id": cursor}))
        if after:
            if await streams.can_resume(client, stream=stream, after=after):
                cursor = after
            else:
                await body(_frame({"type": "resync", "last_event_id": cursor}, cursor))
        block_ms = int(settings.REALTIME_SSE_HEARTBEAT_SECONDS * 1000)
        while True:
            read = asyncio.ensure_future(
                streams.wait_after(client, stream=stream, after=cursor, block_ms=block_ms)
            )
            await asyncio.wait({read, gone}, return_when=asyncio.FIRST_COMPLETED)
            if gone.done():
                return
            batch = read.result()
            if not batch:
                await body(b": heartbeat\n\n")
            for event in batch:
                await body(_frame(event, event["id"]))
                cursor = event["id"]
    finally:
        for task in (read, gone):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        await client.aclose()
