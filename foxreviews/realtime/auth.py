"""Who opens a websocket: an API client by its token (`Authorization: Token <key>`, as the REST
API reads it) or by a one-time ticket (POST /api/realtime/ticket/; in the query string,
`?ticket=`, or as a subprotocol `ticket.<ticket>`), a page of this site by its session cookie
(its Origin checked)."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .tickets import TICKET_SUBPROTOCOL, query_value, ticket_redeem


def authorization_token(scope: dict) -> str | None:
    """The key of an `Authorization: Token <key>` header; "" for another or malformed
    Authorization header (refused, never read as no header); None without one."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            keyword, _, key = value.decode("latin-1").strip().partition(" ")
            key = key.strip()
            if keyword.lower() != TokenAuthentication.keyword.lower() or not key or " " in key:
                return ""
            return key
    return None


@database_sync_to_async
def user_for_token(key: str) -> AbstractBaseUser | AnonymousUser:
    """The active user of a REST API token, else an anonymous one (the consumer refuses it)."""
    try:
        user, _token = TokenAuthentication().authenticate_credentials(key)
    except AuthenticationFailed:
        return AnonymousUser()
    return user


def ticket_of(scope: dict) -> str | None:
    """A ticket from the query string (`?ticket=`) or a subprotocol `ticket.<ticket>`."""
    ticket = query_value(scope, "ticket")
    if ticket is not None:
        return ticket
    for protocol in scope.get("subprotocols", []):
        if protocol.startswith(TICKET_SUBPROTOCOL):
            return protocol.removeprefix(TICKET_SUBPROTOCOL)
    return None


@database_sync_to_async
def _active_user(user_id: int) -> AbstractBaseUser | AnonymousUser:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    return user or AnonymousUser()


async def user_for_ticket(ticket: str) -> AbstractBaseUser | AnonymousUser:
    """The active user of a valid ticket seen for the first time, else an anonymous one."""
    user_id = await ticket_redeem(ticket)
    return AnonymousUser() if user_id is None else await _active_user(user_id)


async def user_for_credentials(scope: dict) -> AbstractBaseUser | AnonymousUser | None:
    """The user that a token or a ticket names (anonymous for a bad one), or None when the
    request brings neither (the session cookie is then the way in)."""
    key = authorization_token(scope)
    if key is not None:
        return await user_for_token(key) if key else AnonymousUser()
    ticket = ticket_of(scope)
    if ticket is not None:
        return await user_for_ticket(ticket)
    return None


class WebsocketAuthMiddleware:
    """A handshake with an Authorization header or a ticket is an API client's: the token or
    the ticket alone says who it is (a page cannot set that header, and gets a ticket only from
    a same-origin POST, so no Origin check is needed; scripts send none). Without either, the
    session cookie, from a page of an allowed host only."""

    def __init__(self, application) -> None:
        self.by_token = application
        self.by_session = AllowedHostsOriginValidator(AuthMiddlewareStack(application))

    async def __call__(self, scope, receive, send):
        user = await user_for_credentials(scope)
        if user is None:
            return await self.by_session(scope, receive, send)
        return await self.by_token({**scope, "user": user}, receive, send)
