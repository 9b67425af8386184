"""The one business error type and the DRF handler that renders every error as {message, extra}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    """A business rule said no; `message` is meant for the person who asked."""

    status_code = 400  # what the API answers; a subclass may say 413, 409...
    retry_after: int | None = None  # seconds, sent as Retry-After when set

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


def api_exception_handler(exc: Exception, context: dict) -> Any:
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, ApplicationError):
        from rest_framework.response import Response

        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
        return Response(
            {"message": exc.message, "extra": exc.extra}, status=exc.status_code, headers=headers
        )

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"message": _first_error(response.data), "extra": {"fields": response.data}}
    else:
        detail = (
            response.data.get("detail", response.data)
            if isinstance(response.data, dict)
            else response.data
        )
        response.data = {"message": str(detail), "extra": {}}
    return response


def _first_error(data: Any) -> str:
    """'q : Assurez-vous que ce champ comporte au moins 2 caractères.' from DRF's error tree."""
    if isinstance(data, dict) and data:
        field, errors = next(iter(data.items()))
        inner = errors[0] if isinstance(errors, list) and errors else errors
        prefix = "" if field == "non_field_errors" else f"{field} : "
        return f"Paramètres invalides. {prefix}{inner}"
    if isinstance(data, list) and data:
        return f"Paramètres invalides. {data[0]}"
    return "Paramètres invalides."
