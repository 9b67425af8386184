"""The admin's sign-in lockout (django-axes): how long it lasts, and the 429 page that says so.

Axes counts failed sign-ins per account and per address in Redis; at ADMIN_LOGIN_FAILURES the
account or address is locked, a right password included. Every attempt while locked doubles the
wait, from ADMIN_LOGIN_COOL_OFF_SECONDS up to ADMIN_LOGIN_COOL_OFF_MAX_SECONDS. With Redis out of
reach the sign-in is not limited, with a warning, as the platform's other limits do."""

from __future__ import annotations

import math
from datetime import timedelta

import structlog
from axes.handlers.cache import AxesCacheHandler
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from redis.exceptions import RedisError

logger = structlog.get_logger(__name__)


class FailOpenCacheHandler(AxesCacheHandler):
    """AXES_HANDLER: axes' cache handler, which lets a sign-in through when Redis cannot be
    reached (its own behaviour: a 500 for everyone, the right password included)."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        try:
            return super().get_failures(request, credentials)
        except RedisError as exc:
            logger.warning("admin sign-in not limited: Redis out of reach", error=str(exc))
            return 0

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs) -> None:
        try:
            super().user_login_failed(sender, credentials, request, **kwargs)
        except RedisError as exc:
            logger.warning("admin sign-in failure not counted: Redis out of reach", error=str(exc))

    def user_logged_in(self, sender, request, user, **kwargs) -> None:
        try:
            super().user_logged_in(sender, request, user, **kwargs)
        except RedisError as exc:
            logger.warning("admin sign-in counts not reset: Redis out of reach", error=str(exc))


def username_of(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """AXES_USERNAME_CALLABLE: the account a sign-in names, as text. Axes' own reading takes a
    JSON body's value as sent (`{"username": 1.5}` made its cache key fail: a 500)."""
    if credentials:
        value = credentials.get("username")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        value = data.get("username") if hasattr(data, "get") else None
    return None if value is None else str(value)[:150]


def cool_off_after(failures: int) -> timedelta:
    """How long the counts live after the failure that follows `failures` earlier ones: the
    base until the lockout, then twice as long for each attempt made during it."""
    doublings = max(0, failures - settings.AXES_FAILURE_LIMIT + 1)
    seconds = settings.ADMIN_LOGIN_COOL_OFF_SECONDS * 2 ** min(doublings, 32)
    return timedelta(seconds=min(seconds, settings.ADMIN_LOGIN_COOL_OFF_MAX_SECONDS))


def cool_off(request: HttpRequest | None) -> timedelta:
    """AXES_COOLOFF_TIME: axes asks before it counts the failure at hand."""
    failures = AxesProxyHandler.get_failures(request) if request is not None else 0
    return cool_off_after(failures)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict | None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 in the admin's own page, with the wait that was just set
    (by the failure this request added) in words and in Retry-After."""
    failures = AxesProxyHandler.get_failures(request, credentials)
    seconds = int(cool_off_after(failures - 1).total_seconds())
    minutes = math.ceil(seconds / 60)
    context = {
        **admin.site.each_context(request),
        "title": "Connexion refusée",
        "minutes": minutes,
    }
    response = TemplateResponse(request, "users/login_locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response.render()
