"""Villes: autocomplete by name or code postal."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foxreviews.location.selectors import ville_autocomplete

from .serializers import VilleAutocompleteQuerySerializer, VilleAutocompleteSerializer


class VilleAutocompleteView(APIView):
    @extend_schema(
        parameters=[VilleAutocompleteQuerySerializer],
        responses=VilleAutocompleteSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        params = VilleAutocompleteQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        villes = ville_autocomplete(q=params.validated_data["q"])
        return Response(VilleAutocompleteSerializer(villes, many=True).data)
