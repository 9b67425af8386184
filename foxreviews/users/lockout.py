"""The admin's sign-in lockout (django-axes): how long it lasts, and the 429 page that says so.

Axes counts failed sign-ins per account and per address in Redis; at ADMIN_LOGIN_FAILURES the
account or address is locked, a right password included. Every attempt while locked doubles the
wait, from ADMIN_LOGIN_COOL_OFF_SECONDS up to ADMIN_LOGIN_COOL_OFF_MAX_SECONDS."""

from __future__ import annotations

import math
from datetime import timedelta

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


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
