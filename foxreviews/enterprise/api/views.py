"""Entreprises: cursor-paginated list with filters, and one entreprise by SIRET."""

from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foxreviews.core.api.filters import FilterBackend
from foxreviews.enterprise.selectors import entreprise_detail, entreprise_list

from .filters import FILTER_PARAMETERS, EntrepriseFilter
from .pagination import EntrepriseCursorPagination
from .serializers import EntrepriseDetailSerializer, EntrepriseListSerializer


@extend_schema(parameters=FILTER_PARAMETERS)
class EntrepriseListView(ListAPIView):
    serializer_class = EntrepriseListSerializer
    pagination_class = EntrepriseCursorPagination
    filter_backends = [FilterBackend]
    filterset_class = EntrepriseFilter

    def get_queryset(self):
        return entreprise_list()


class EntrepriseDetailView(APIView):
    @extend_schema(responses=EntrepriseDetailSerializer)
    def get(self, request: Request, siret: str) -> Response:
        entreprise = entreprise_detail(siret=siret)
        if entreprise is None:
            raise NotFound(f"Aucune entreprise avec le SIRET {siret}.")
        return Response(EntrepriseDetailSerializer(entreprise).data)
