"""Villes: the list (cursor pages by name) and the autocomplete (cached twice)."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.views import APIView

from foxreviews.core.api.filters import FilterBackend
from foxreviews.location.autocomplete import autocomplete_json
from foxreviews.location.selectors import ville_list

from .filters import VilleFilter
from .pagination import VilleCursorPagination
from .serializers import (
    VilleAutocompleteQuerySerializer,
    VilleAutocompleteSerializer,
    VilleSerializer,
)


class VilleListView(ListAPIView):
    serializer_class = VilleSerializer
    pagination_class = VilleCursorPagination
    filter_backends = [FilterBackend]
    filterset_class = VilleFilter

    def get_queryset(self):
        return ville_list()


class VilleAutocompleteView(APIView):
    @extend_schema(
        parameters=[VilleAutocompleteQuerySerializer],
        responses=VilleAutocompleteSerializer(many=True),
    )
    def get(self, request: Request) -> HttpResponse:
        params = VilleAutocompleteQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        body = autocomplete_json(params.validated_data["q"])  # JSON bytes, from a cache mostly
        return HttpResponse(body, content_type="application/json")
