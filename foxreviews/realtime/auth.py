"""Who opens a websocket: an API client by its token (`Authorization: Token <key>`, as the REST
API reads it), a page of this site by its session cookie (its Origin checked)."""

from __future__ import annotations

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


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


class WebsocketAuthMiddleware:
    """A handshake with an Authorization header is an API client's: its token alone says who it
    is (a browser page cannot set that header, so no Origin check is needed, and scripts send
    none). Without one, the session cookie, from a page of an allowed host only. Issue 25's
    short-lived tickets would be read here too."""

    def __init__(self, application) -> None:
        self.by_token = application
        self.by_session = AllowedHostsOriginValidator(AuthMiddlewareStack(application))

    async def __call__(self, scope, receive, send):
        key = authorization_token(scope)
        if key is None:
            return await self.by_session(scope, receive, send)
        user = await user_for_token(key) if key else AnonymousUser()
        return await self.by_token({**scope, "user": user}, receive, send)
