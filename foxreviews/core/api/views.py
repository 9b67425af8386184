"""GET /api/: what the API offers, as links."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView


@extend_schema(exclude=True)
class ApiRootView(APIView):
    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return reverse(name, request=request)

        return Response(
            {
                "entreprises": link("entreprise-list"),
                "villes": link("ville-autocomplete"),
                "schema": link("api-schema"),
                "docs": link("api-docs"),
                "redoc": link("api-redoc"),
            }
        )
