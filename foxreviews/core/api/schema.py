"""The OpenAPI schema declares the error answers every endpoint can give, in the one
{message, extra} shape of core/exceptions.py, and the patterns the API's filters check."""

from __future__ import annotations

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="Ce qui ne va pas, pour la personne qui demande.")
    extra = serializers.DictField(help_text="Détails : champs en erreur, suggestion...")


class AutoSchema(SpectacularAutoSchema):
    # _get_response_bodies sees the final responses, @extend_schema overrides included (it
    # replaces get_response_serializers); the test of the schema pins what it adds.
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400"]  # bad parameters, NUL bytes, a forged cursor
        if "{" in self.path:  # an object named in the path may not exist
            codes.append("404")
        if self.view.throttle_classes:  # over the rate limit
            codes.append("429")
        if any(p is not AllowAny for p in self.view.permission_classes):
            codes.append("403")  # not signed in (session auth answers 403), or not allowed
        if getattr(self.view, "may_be_unavailable", False):  # a feature this server may lack
            codes.append("503")
        if self.method in ("POST", "PUT", "PATCH"):
            codes.append("415")  # a body in a type the endpoint does not read
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, None, direction
                )
        return responses

    def _get_parameters(self):
        """A filter's RegexValidator becomes its parameter's pattern (django-filter's schema
        does not carry validators); empty stays allowed, as django-filter reads it: no filter."""
        parameters = super()._get_parameters()
        filterset = getattr(self.view, "filterset_class", None)
        if filterset is None:
            return parameters
        for parameter in parameters:
            declared = filterset.base_filters.get(parameter["name"])
            if parameter["in"] != "query" or declared is None:
                continue
            for validator in declared.extra.get("validators", []):
                if isinstance(validator, RegexValidator) and not validator.inverse_match:
                    parameter["schema"]["pattern"] = f"^$|{validator.regex.pattern}"
        return parameters
