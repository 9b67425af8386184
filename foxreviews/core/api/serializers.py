"""The base of every serializer that reads a request body.

DRF's fields take what can be turned into their type: `12345` for a text field, `"5"` or
`5.0` for an integer, `"true"` or `1` for a boolean, `"12"` for the choice `12`. The API's
schema says a string, an integer, a boolean; a JSON body whose value has another JSON type is
refused here with a 400 naming the field, so that what the schema documents is what the API
takes. A form (multipart or urlencoded) carries strings only: its values are left to the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from rest_framework import serializers

_JSON_TYPE_NAMES = {str: "une chaîne", int: "un entier", bool: "un booléen"}


def _json_types(field: serializers.Field) -> tuple[type, ...] | None:
    """The JSON types a field's schema admits; None when the field checks its own."""
    if isinstance(field, serializers.ChoiceField):
        kinds = {bool if isinstance(key, bool) else type(key) for key in field.choices}
        return tuple(kinds) if kinds <= {str, int, bool} else None
    if isinstance(field, serializers.BooleanField):
        return (bool,)
    if isinstance(field, serializers.IntegerField):
        return (int,)
    if isinstance(field, serializers.CharField):
        return (str,)
    return None


def _has_json_type(value: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # bool is an int to Python, not to JSON
        return bool in kinds
    return isinstance(value, kinds)


class InputSerializer(serializers.Serializer):
    """A request body: each value of a JSON body has the JSON type its field's schema says."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping) and not isinstance(data, QueryDict):
            errors = {}
            for name, field in self.fields.items():
                kinds = None if field.read_only else _json_types(field)
                if kinds is None or name not in data:
                    continue
                value = data[name]
                if value is None:  # the field itself says whether null is allowed
                    continue
                if not _has_json_type(value, kinds):
                    expected = " ou ".join(sorted(_JSON_TYPE_NAMES[kind] for kind in kinds))
                    errors[name] = [f"Type JSON invalide : il faut {expected}."]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
