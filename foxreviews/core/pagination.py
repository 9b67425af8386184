"""Keyset (seek) pagination: constant time at any depth, exact whatever the ties.

The cursor carries the whole sort key of the last row it saw (`(created_at, id)`,
`(nom, id)`), and the next page is the rows after it in a row comparison an index serves:
`WHERE (created_at, id) < (%s, %s) ORDER BY created_at DESC, id DESC LIMIT n + 1`. No offset,
no COUNT: rows inserted between two pages are neither skipped nor repeated. Every ordering
ends with the primary key, its fields are NOT NULL, and all go the same direction (so that one
btree index, read forwards or backwards, serves the comparison).

The cursor is base64url JSON; one that does not decode, or names another ordering, is a 400.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import BooleanField, F, Field, Func, QuerySet, Value
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

ORDERING_PARAM = "ordering"


@dataclass(frozen=True)
class Cursor:
    ordering: str  # the key of the ordering it belongs to
    values: tuple  # the sort key of the row it stands after (next) or before (previous)
    previous: bool  # True: the page before that row


def _row(*expressions) -> Func:
    return Func(*expressions, function="ROW")


class KeysetPagination(BasePagination):
    """Subclasses name their orderings: {"-created": ("-created_at", "-id"), ...}."""

    orderings: dict[str, tuple[str, ...]] = {"-created": ("-created_at", "-id")}
    default_ordering = "-created"
    # sort keys that are annotations of the queryset, not model fields (a search's rank)
    annotation_fields: dict[str, Field] = {}
    page_size = 20
    max_page_size = 100
    page_size_query_param = "page_size"
    cursor_query_param = "cursor"

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        for key, fields in cls.orderings.items():
            directions = {field.startswith("-") for field in fields}
            if len(directions) != 1 or fields[-1].lstrip("-") != "id":
                raise TypeError(f"{cls.__name__}.{key}: one direction, ending with id")

    # -- request ---------------------------------------------------------------------------
    def ordering_key(self, request: Request) -> str:
        key = request.query_params.get(ORDERING_PARAM, self.default_ordering)
        if key not in self.orderings:
            raise ValidationError(
                {ORDERING_PARAM: [f"Valeurs possibles : {', '.join(self.orderings)}."]}
            )
        return key

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Un entier entre 1 et {self.max_page_size} est attendu."
                    ]
                }
            )
        return int(raw)

    def decode_cursor(self, request: Request, key: str, model) -> Cursor | None:
        raw = request.query_params.get(self.cursor_query_param)
        if not raw:  # absent or empty: the first page
            return None
        fields = [self._field(model, name.lstrip("-")) for name in self.orderings[key]]
        try:
            data = json.loads(base64.urlsafe_b64decode(raw.encode("ascii") + b"==="))
            ordering, values, previous = data["o"], data["v"], data["p"]
            if ordering != key or len(values) != len(fields) or not isinstance(previous, bool):
                raise ValueError("another ordering")
            parsed = tuple(
                field.to_python(value) for field, value in zip(fields, values, strict=True)
            )
            if any(value is None or "\x00" in str(value) for value in parsed):
                raise ValueError("empty or NUL value")
            for field, value in zip(fields, parsed, strict=True):
                field.run_validators(value)  # lengths, integer ranges
        except (
            ValueError, TypeError, KeyError, UnicodeError, binascii.Error, DjangoValidationError,
        ):  # fmt: skip
            raise ValidationError(
                {self.cursor_query_param: ["Curseur invalide : suivez les liens next/previous."]}
            ) from None
        return Cursor(ordering=key, values=parsed, previous=previous)

    def _field(self, model, name: str) -> Field:
        return self.annotation_fields.get(name) or model._meta.get_field(name)

    def encode_cursor(self, cursor: Cursor) -> str:
        values = [
            v.isoformat() if hasattr(v, "isoformat") else str(v) if isinstance(v, Decimal) else v
            for v in cursor.values
        ]
        data = json.dumps({"o": cursor.ordering, "v": values, "p": cursor.previous})
        return base64.urlsafe_b64encode(data.encode()).decode("ascii").rstrip("=")

    # -- the page --------------------------------------------------------------------------
    def paginate_queryset(self, queryset: QuerySet, request: Request, view=None) -> list:
        self.request = request
        self.key = self.ordering_key(request)
        size = self.get_page_size(request)
        cursor = self.decode_cursor(request, self.key, queryset.model)
        fields = self.orderings[self.key]
        self.names = [field.lstrip("-") for field in fields]
        descending = fields[0].startswith("-")
        backwards = bool(cursor and cursor.previous)  # read the index the other way
        if backwards:
            fields = tuple(f[1:] if f.startswith("-") else f"-{f}" for f in fields)
        queryset = queryset.order_by(*fields)
        if cursor is not None:
            after = descending != backwards  # descending order: "after" is "smaller"
            queryset = queryset.filter(
                Func(
                    _row(*(F(name) for name in self.names)),
                    _row(*(Value(value) for value in cursor.values)),
                    template="%(expressions)s",
                    arg_joiner=" < " if after else " > ",
                    output_field=BooleanField(),
                )
            )
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size]
        if backwards:
            rows.reverse()
        # a next page after the last row: always when coming back; when going on, if any
        self.has_next = bool(rows) and (backwards or more)
        self.has_previous = bool(rows) and (more if backwards else cursor is not None)
        self.first = self._key(rows[0]) if rows else None
        self.last = self._key(rows[-1]) if rows else None
        return rows

    def _key(self, row) -> tuple:
        if isinstance(row, dict):  # a values() queryset's row
            return tuple(row[name] for name in self.names)
        return tuple(getattr(row, name) for name in self.names)

    def _link(self, values: tuple | None, *, previous: bool) -> str | None:
        if values is None:
            return None
        url = self.request.build_absolute_uri()
        token = self.encode_cursor(Cursor(ordering=self.key, values=values, previous=previous))
        return replace_query_param(url, self.cursor_query_param, token)

    def get_next_link(self) -> str | None:
        return self._link(self.last, previous=False) if self.has_next else None

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        return self._link(self.first, previous=True)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    # -- OpenAPI ---------------------------------------------------------------------------
    def get_paginated_response_schema(self, schema: dict) -> dict:
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Le curseur d'un lien next ou previous.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Résultats par page (1 à {self.max_page_size}).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
            {
                "name": ORDERING_PARAM,
                "required": False,
                "in": "query",
                "description": "Ordre des résultats.",
                "schema": {
                    "type": "string",
                    "enum": list(self.orderings),
                    "default": self.default_ordering,
                },
            },
        ]
