"""Statistics: read from the materialized views; an admin may ask for a recount. The catégories
are listed here too, with the open entreprises of each: counting entreprises sits above the
category app."""

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.permissions import IsAdminUser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from foxreviews.core.api.schema import ErrorSerializer
from foxreviews.core.tasks import publish
from foxreviews.stats.selectors import categories, statistics_json
from foxreviews.stats.tasks import refresh_statistics

from .serializers import CategoriesSerializer, RefreshQueuedSerializer, StatisticsSerializer


class StatisticsView(APIView):
    @extend_schema(responses=StatisticsSerializer)  # documents the shape statistics() has
    def get(self, request: Request) -> HttpResponse:
        return HttpResponse(statistics_json(), content_type="application/json")


class StatisticsRefreshView(APIView):
    """Queue a recount (staff only); GET /api/stats/ shows it once refreshed_at moves."""

    permission_classes = [IsAdminUser]

    @extend_schema(
        request=None,
        responses={202: RefreshQueuedSerializer, 403: ErrorSerializer, 503: ErrorSerializer},
    )
    def post(self, request: Request) -> Response:
        task = publish(refresh_statistics, what="le recomptage n'a pas été demandé")
        return Response({"task_id": task.id}, status=status.HTTP_202_ACCEPTED)


class CategoryListView(APIView):
    """Every catégorie, its sous-catégories (their slugs filter the listings and the search)
    and their NAF codes, with the open entreprises of each as of `refreshed_at`."""

    @extend_schema(responses=CategoriesSerializer)  # documents the shape categories() has
    def get(self, request: Request) -> Response:
        return Response(categories())
