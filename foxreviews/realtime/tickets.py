"""Short-lived sign-in tickets for a websocket or an SSE stream: signed (the user's id and a
random id), valid REALTIME_TICKET_SECONDS, used once (the first use claims its id in Redis)."""

from __future__ import annotations

import secrets
from urllib.parse import parse_qs

from django.conf import settings
from django.core import signing

from . import streams

SALT = "foxreviews.realtime.ticket"
# a ticket may travel as a websocket subprotocol: only an HTTP token's characters (no ':')
SEPARATOR = "."
TICKET_SUBPROTOCOL = "ticket."


def query_value(scope: dict, name: str) -> str | None:
    """A query-string parameter of an ASGI scope (the last one of that name)."""
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get(name)
    return values[-1] if values else None


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT, sep=SEPARATOR)


def ticket_issue(*, user_id: int) -> str:
    return _signer().sign_object({"u": user_id, "t": secrets.token_urlsafe(12)})


async def ticket_redeem(ticket: str) -> int | None:
    """The user id of a valid ticket used for the first time; None for an expired, forged,
    malformed or already used one."""
    try:
        claims = _signer().unsign_object(ticket, max_age=settings.REALTIME_TICKET_SECONDS)
        user_id, ticket_id = int(claims["u"]), str(claims["t"])
    except (signing.BadSignature, ValueError, TypeError, KeyError):
        return None
    client = streams.async_client()
    try:
        # kept longer than the ticket lives: a used one stays used until it has expired anyway
        first = await client.set(
            streams.ticket_key(ticket_id), 1, nx=True, ex=settings.REALTIME_TICKET_SECONDS * 2
        )
    finally:
        await client.aclose()
    return user_id if first else None
