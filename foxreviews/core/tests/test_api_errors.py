"""Under /api/ every answer is JSON in the {message, extra} shape, whatever went wrong; the
docs work offline; the schema declares the errors and the nullable fields."""

import logging
import re

import pytest
import structlog
from django.contrib.staticfiles import finders
from django.db import OperationalError
from django.test import Client
from psycopg_pool import PoolTimeout

from foxreviews.enterprise.tests.factories import EntrepriseFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_geography")]

NUL_MESSAGE = "Un octet NUL (%00) n'est accepté ni dans l'adresse ni dans ses paramètres."


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "extra"} and body["message"]
    return body


@pytest.mark.parametrize(
    "url",
    [
        "/api/entreprises/%00/",
        "/api/entreprises/73282932000074%00/",
        "/api/entreprises/?cursor=%00",
        "/api/entreprises/?ordering=nom%00",
        "/api/entreprises/?%00=1",
        "/api/villes/autocomplete/?q=ly%00on",
        "/api/nothing%00/",
    ],
)
def test_a_nul_byte_anywhere_is_a_400(client, url):
    assert _error(client.get(url), 400)["message"] == NUL_MESSAGE


@pytest.mark.parametrize("url", ["/api/nonexistent/", "/api/entreprises/x/y/", "/api/v2"])
def test_an_unknown_path_is_a_json_404(client, url):
    assert _error(client.get(url), 404)["message"] == f"Aucune ressource à l'adresse {url}."


@pytest.mark.parametrize("method", ["get", "head", "post", "put", "patch", "delete", "options"])
def test_an_unknown_path_is_a_json_404_for_every_method(method):
    """A POST (PUT, PATCH, DELETE) answered Django's HTML CSRF page (403) before."""
    client = Client(enforce_csrf_checks=True)
    response = getattr(client, method)("/api/nonexistent/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    if method != "head":
        assert response.json() == {
            "message": "Aucune ressource à l'adresse /api/nonexistent/.",
            "extra": {},
        }


def test_a_post_without_its_slash_gets_the_suggestion_too():
    response = Client(enforce_csrf_checks=True).post("/api/entreprises", {"nom": "x"})
    assert _error(response, 404)["extra"] == {"suggestion": "/api/entreprises/"}


def test_a_path_with_a_newline_is_a_json_404_too(client):
    """Found by schemathesis: `.` in the catch-all's pattern stopped at a newline (%0A)."""
    body = _error(client.get("/api/nothing%0A/"), 404)
    assert body["message"] == "Aucune ressource à l'adresse /api/nothing\n/."


def test_a_missing_slash_gets_a_suggestion(client):
    body = _error(client.get("/api/entreprises"), 404)
    assert body["extra"] == {"suggestion": "/api/entreprises/"}


def test_a_bad_host_header_is_a_json_400(client):
    body = _error(client.get("/api/entreprises/", HTTP_HOST="evil.example"), 400)
    assert body["message"] == "En-tête Host non autorisé pour ce serveur."


def test_a_wrong_method_is_a_json_405(client):
    body = _error(client.post("/api/entreprises/"), 405)
    assert "POST" in body["message"]


def test_a_crash_is_a_json_500_and_logged(client, monkeypatch, caplog):
    def boom():
        raise RuntimeError("something broke")

    monkeypatch.setattr("foxreviews.enterprise.api.views.entreprise_list", boom)
    body = _error(client.get("/api/entreprises/"), 500)
    assert body["message"] == "Erreur interne du serveur ; elle a été journalisée."
    assert "something broke" not in str(body)  # no internals to the caller
    assert "something broke" in caplog.text


def test_an_exhausted_database_pool_is_a_503_with_retry_after(client, monkeypatch):
    def busy():
        raise OperationalError("couldn't get a connection") from PoolTimeout("after 10 sec")

    monkeypatch.setattr("foxreviews.enterprise.api.views.entreprise_list", busy)
    response = client.get("/api/entreprises/")
    assert _error(response, 503)["message"].startswith("Serveur très demandé")
    assert response["Retry-After"] == "2"


@pytest.mark.parametrize("q", ["..", "  --  ", "' '", "%%", "a-"])
def test_a_ville_query_without_two_letters_or_digits_is_a_400(client, q):
    body = _error(client.get("/api/villes/autocomplete/", {"q": q}), 400)
    assert body["message"].endswith("Au moins 2 lettres ou chiffres sont attendus.") or (
        "au moins 2 caractères" in body["message"]
    )


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_the_docs_need_no_internet(client, url):
    html = client.get(url).content.decode()
    assert not re.search(r"""(src|href)=["']https?://""", html), "an external asset"
    assets = re.findall(r"""/static/([^"'?]+\.(?:js|css|png))""", html)
    assert assets, html
    for asset in assets:
        assert finders.find(asset), asset
    # no inline script: the CSP of deploy/nginx allows scripts from the site only
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"


def test_swagger_uis_start_up_script_has_a_url_of_its_own(client):
    html = client.get("/api/docs/").content.decode()
    (url,) = re.findall(r"""<script src="(/api/docs/\?[^"]*)">""", html)
    script = client.get(url.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def test_the_schema_declares_errors_and_nullable_fields(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    listing = schema["paths"]["/api/entreprises/"]["get"]["responses"]
    detail = schema["paths"]["/api/entreprises/{siret}/"]["get"]["responses"]
    assert {"200", "400"} <= set(listing) and {"200", "400", "404"} <= set(detail)
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"message", "extra"}
    ville = schema["components"]["schemas"]["VilleAutocomplete"]["properties"]
    assert ville["departement"]["nullable"] is True
    assert ville["population"]["nullable"] is True


def test_an_entreprise_detail_still_answers(client):
    entreprise = EntrepriseFactory()
    assert client.get(f"/api/entreprises/{entreprise.siret}/").status_code == 200


def test_a_body_of_another_type_is_a_documented_415(client):
    """What schemathesis once met on POST /api/auth/token/: a 415, now in the schema of every
    endpoint that reads a body, in the API's error shape."""
    response = client.post("/api/auth/token/", data=b"<a/>", content_type="application/xml")
    assert response.status_code == 415
    assert "application/xml" in response.json()["message"]
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "415" in schema["paths"]["/api/auth/token/"]["post"]["responses"]
    assert "415" in schema["paths"]["/api/imports/"]["post"]["responses"]
    assert "415" not in schema["paths"]["/api/entreprises/"]["get"]["responses"]


def test_too_many_parameters_are_a_json_400_and_no_trace_in_the_log(client, caplog):
    query = "&".join(f"p{n}=1" for n in range(1_001))
    with caplog.at_level("INFO"):
        body = _error(client.get(f"/api/entreprises/?{query}"), 400)
    assert body["message"] == "Trop de paramètres : 1000 au plus."
    # Django's one line for a 4xx, no traceback, no security report of the request
    assert [(r.name, r.levelname, r.exc_info) for r in caplog.records] == [
        ("django.request", "WARNING", None)
    ]


def _written(records) -> int:
    """What the platform's own handlers (console and JSON lines) write for these records."""
    formatters = [
        handler.formatter
        for handler in logging.getLogger().handlers
        if isinstance(handler.formatter, structlog.stdlib.ProcessorFormatter)
    ]
    assert len(formatters) == 2
    return sum(len(formatter.format(record)) for formatter in formatters for record in records)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_too_many_parameters_on_the_admin_login_are_a_400_and_one_short_log_line(
    client, caplog, method
):
    """100,000 parameters in the query string: Django's own 400 took 12 s and wrote 7 MB of
    log (a traceback whose locals, and a request whose repr, hold the whole query string)."""
    query = "&".join(f"p{n}=1" for n in range(100_000))
    with caplog.at_level("INFO"):
        if method == "GET":
            response = client.get(f"/admin/login/?{query}")
        else:
            response = client.post(
                "/admin/login/", data=query, content_type="application/x-www-form-urlencoded"
            )
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == "Trop de paramètres : 1000 au plus."
    assert [(r.name, r.levelname, r.exc_info) for r in caplog.records] == [
        ("django.request", "WARNING", None)
    ]
    assert _written(caplog.records) < 1_000
