"""The OpenAPI schema declares the error answers every endpoint can give, in the one
{message, extra} shape of core/exceptions.py."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers


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
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(
                    ErrorSerializer, code, None, direction
                )
        return responses
