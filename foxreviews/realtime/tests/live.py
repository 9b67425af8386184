"""Helpers of the real-time tests: sockets through the platform's whole ASGI application (its
sign-in middleware included), on the real Redis channel layer and streams."""

from __future__ import annotations

import json

from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from rest_framework.authtoken.models import Token

from config.asgi import application
from foxreviews.users.models import User

ORIGIN = (b"origin", b"http://127.0.0.1:8000")


def make_user(username: str, **fields) -> User:
    fields.setdefault("role", User.Role.ADMIN if fields.get("is_staff") else User.Role.PRO)
    return User.objects.create_user(username, password="pw-123456", **fields)


def token_header(user: User) -> tuple[bytes, bytes]:
    key = Token.objects.get_or_create(user=user)[0].key
    return (b"authorization", f"Token {key}".encode())


def session_headers(user: User) -> list[tuple[bytes, bytes]]:
    client = Client()
    client.force_login(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return [(b"cookie", cookie.encode()), ORIGIN]


async def open_socket(
    path: str, headers: list | tuple = (), subprotocols: list[str] | None = None
) -> tuple[WebsocketCommunicator, dict]:
    """Connect; the socket and what came first: a message, or `{"close": code}`."""
    ws = WebsocketCommunicator(application, path, headers=list(headers), subprotocols=subprotocols)
    connected, subprotocol = await ws.connect(timeout=5)
    if not connected:
        return ws, {"refused": subprotocol}  # before the handshake: the code, if any
    ws.subprotocol = subprotocol
    return ws, await next_output(ws)


async def next_output(ws: WebsocketCommunicator, timeout: float = 5) -> dict:
    output = await ws.receive_output(timeout=timeout)
    if output["type"] == "websocket.close":
        return {"close": output.get("code")}
    return json.loads(output["text"])


async def drain(ws: WebsocketCommunicator, *, wait: float = 0.3, skip=("ping",)) -> list[dict]:
    """Every message that reaches `ws` within a moment (heartbeat pings left out)."""
    got = []
    while not await ws.receive_nothing(timeout=wait):
        message = await next_output(ws)
        if message.get("type") not in skip:
            got.append(message)
    return got
