"""GET /api/ lists every endpoint of the URL configuration, not a list kept by hand."""

import pytest
from django.test import override_settings
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

import config.urls


def _endpoint(path: str, *methods: str) -> dict:
    url = None if "{" in path else f"http://testserver{path}"
    return {"path": path, "methods": list(methods), "url": url}


def test_the_api_root_lists_every_endpoint_and_its_methods(client):
    response = client.get("/api/")
    assert response.status_code == 200
    assert response.json() == {
        "endpoints": [
            _endpoint("/api/", "GET"),
            _endpoint("/api/ask/", "GET"),
            _endpoint("/api/auth/password/reset/", "POST"),
            _endpoint("/api/auth/password/reset/confirm/", "POST"),
            _endpoint("/api/auth/signup/", "POST"),
            _endpoint("/api/auth/token/", "POST"),
            _endpoint("/api/auth/verify-email/", "POST"),
            _endpoint("/api/avis/charte/", "GET"),
            _endpoint("/api/avis/{pk}/reponse/", "POST"),
            _endpoint("/api/avis/{pk}/signalements/", "POST"),
            _endpoint("/api/categories/", "GET"),
            _endpoint("/api/docs/", "GET"),
            _endpoint("/api/entreprises/", "GET"),
            _endpoint("/api/entreprises/{siret}/", "GET"),
            _endpoint("/api/entreprises/{siret}/similaires/", "GET"),
            _endpoint("/api/imports/", "GET", "POST"),
            _endpoint("/api/imports/{pk}/", "GET"),
            _endpoint("/api/imports/{pk}/rejected-rows/", "GET"),
            _endpoint("/api/me/avis/", "GET"),
            _endpoint("/api/moderation/avis/", "GET"),
            _endpoint("/api/moderation/avis/{pk}/decision/", "POST"),
            _endpoint("/api/moderation/revendications/", "GET"),
            _endpoint("/api/moderation/revendications/{pk}/", "GET"),
            _endpoint("/api/moderation/revendications/{pk}/decision/", "POST"),
            _endpoint("/api/moderation/revendications/{pk}/document/", "GET"),
            _endpoint("/api/paiements/webhook/", "POST"),
            _endpoint("/api/pro/entreprises/", "GET"),
            _endpoint("/api/pro/revendications/", "GET", "POST"),
            _endpoint("/api/pro/revendications/{pk}/", "GET"),
            _endpoint("/api/prolocalisations/", "GET"),
            _endpoint("/api/prolocalisations/{pk}/avis/", "GET", "POST"),
            _endpoint("/api/realtime/ticket/", "POST"),
            _endpoint("/api/redoc/", "GET"),
            _endpoint("/api/schema/", "GET"),
            _endpoint("/api/search/", "GET"),
            _endpoint("/api/sponsorisations/commandes/", "GET", "POST"),
            _endpoint("/api/sponsorisations/commandes/{pk}/", "GET"),
            _endpoint("/api/sponsorisations/offres/", "GET"),
            _endpoint("/api/stats/", "GET"),
            _endpoint("/api/stats/refresh/", "POST"),
            _endpoint("/api/villes/", "GET"),
            _endpoint("/api/villes/autocomplete/", "GET"),
        ]
    }


class Ping(APIView):
    def get(self, request, n):
        return Response({"n": n})

    def delete(self, request, n):
        return Response(status=204)


# the platform's URL configuration and one endpoint more (before the /api/ catch-all)
urlpatterns = [path("api/ping/<int:n>/", Ping.as_view()), *config.urls.urlpatterns]


@override_settings(ROOT_URLCONF=__name__)
def test_an_endpoint_added_to_the_url_configuration_is_listed(client):
    endpoints = client.get("/api/").json()["endpoints"]
    assert _endpoint("/api/ping/{n}/", "DELETE", "GET") in endpoints
    assert len(endpoints) == 43


@pytest.mark.django_db
def test_the_api_root_reads_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get("/api/").status_code == 200
