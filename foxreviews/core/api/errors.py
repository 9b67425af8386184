"""Every answer under /api/ is JSON, errors included, in the documented {message, extra} shape:
what reaches Django before DRF (a NUL byte, a bad Host header, an unknown path) and what DRF
does not catch (a 500). On every path: a request over Django's size limits (too many parameters,
files or bytes) gets a cheap 400 instead of a logged security trace, and a database that is
down or has no free connection a 503 that says which."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    DisallowedHost,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    UnreadablePostError,
)
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt

from foxreviews.core.db_health import database_unavailable

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"


def error_response(status: int, message: str, extra: dict[str, Any] | None = None):
    # UTF-8 as DRF writes it, not \u escapes
    return JsonResponse(
        {"message": message, "extra": extra or {}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for key, values in request.GET.lists()
    )


def _over_the_limits(request: HttpRequest, *, read_form: bool) -> str | None:
    """Why Django refuses to parse this request's parameters, read before any view: Django
    would raise a SuspiciousOperation there, logged with a traceback whose locals and request
    hold the whole query string (100,000 parameters: 12 s and 7 MB of log)."""
    try:
        request.GET  # noqa: B018 (parsed on first access)
        if read_form:
            request.POST  # noqa: B018
    except TooManyFieldsSent:
        return f"Trop de paramètres : {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} au plus."
    except TooManyFilesSent:
        return f"Trop de fichiers : {settings.DATA_UPLOAD_MAX_NUMBER_FILES} au plus."
    except RequestDataTooBig:
        return (
            f"Formulaire trop volumineux : {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} octets au plus."
        )
    except UnreadablePostError:  # the client left: CSRF's check deals with it, as before
        return None
    return None


class ApiErrorsMiddleware:
    """First in MIDDLEWARE: refuses what no view can answer, and turns a crash under /api/
    into a JSON 500 (the traceback goes to the logs)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        api = request.path.startswith(API_PREFIX)
        # under /api/ DRF parses the body; elsewhere (the admin's forms) CSRF reads it anyway
        oversized = _over_the_limits(request, read_form=not api and request.method == "POST")
        if oversized and api:
            return error_response(400, oversized)
        if oversized:
            return HttpResponseBadRequest(oversized, content_type="text/plain; charset=utf-8")
        if not api:
            return self.get_response(request)
        if _has_nul(request):
            return error_response(
                400, "Un octet NUL (%00) n'est accepté ni dans l'adresse ni dans ses paramètres."
            )
        try:
            request.get_host()
        except DisallowedHost as exc:  # one line, as Django logs it on the other paths
            logging.getLogger("django.security.DisallowedHost").error(
                str(exc), extra={"status_code": 400, "request": request}
            )
            return error_response(400, "En-tête Host non autorisé pour ce serveur.")
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        api = request.path.startswith(API_PREFIX)
        unavailable = database_unavailable(exception)
        if unavailable is not None:  # a 503 on every path, without a traceback
            logger.warning(
                "database %s on %s %s", unavailable.name.lower(), request.method, request.path
            )
            if api:
                response = error_response(503, unavailable.message)
            else:
                response = HttpResponse(
                    unavailable.message, status=503, content_type="text/plain; charset=utf-8"
                )
            response["Retry-After"] = "2"
            return response
        if not api:
            return None
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(500, "Erreur interne du serveur ; elle a été journalisée.")


@csrf_exempt  # a POST to an unknown path is a 404, not Django's HTML CSRF page
def api_not_found(request: HttpRequest, rest: str = ""):
    """Any path under /api/ that no endpoint serves, whatever the method."""
    extra = {}
    if not request.path.endswith("/"):
        try:
            resolved = resolve(request.path + "/")
        except Resolver404:
            resolved = None
        if resolved is not None and resolved.func is not api_not_found:
            extra["suggestion"] = request.path + "/"
    return error_response(404, f"Aucune ressource à l'adresse {request.path}.", extra)
