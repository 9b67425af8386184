"""GET /api/: every endpoint of the API, read from the URL configuration."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.schemas.generators import EndpointEnumerator
from rest_framework.views import APIView


def api_endpoints() -> dict[str, list[str]]:
    """Each DRF path of the URL configuration (`/api/entreprises/{siret}/`) and its methods,
    by path, as DRF's schema generators enumerate them."""
    endpoints: dict[str, list[str]] = {}
    for path, method, _view in EndpointEnumerator().get_api_endpoints():
        endpoints.setdefault(path, []).append(method)
    return {path: sorted(methods) for path, methods in sorted(endpoints.items())}


@extend_schema(exclude=True)
class ApiRootView(APIView):
    def get(self, request: Request) -> Response:
        return Response(
            {
                "endpoints": [
                    {
                        "path": path,
                        "methods": methods,
                        # a link where the path has no parameter to fill in
                        "url": None if "{" in path else request.build_absolute_uri(path),
                    }
                    for path, methods in api_endpoints().items()
                ]
            }
        )
