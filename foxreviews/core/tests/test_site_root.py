"""What a visitor meets outside /api/: a French home page at `/` (Django's 404 page, listing
every URL pattern with DEBUG on, before), French 404 and 500 pages (Django's are English),
robots.txt and favicon.ico served by WhiteNoise, and a bad Host header logged in one line,
without the traceback."""

import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.views.defaults import server_error

SITE_ROOT = Path(settings.WHITENOISE_ROOT)


@pytest.mark.django_db
def test_the_root_is_a_small_french_page_with_the_links_a_newcomer_needs(
    client, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "FoxReviews est un annuaire libre des entreprises locales françaises" in page
    for href in ("/api/docs/", "/api/redoc/", "/api/schema/", "/api/", "/admin/", "/health/",
                 "/api/search/?q=boulangerie", "/api/categories/", "/favicon.ico",
                 "/avis/charte/"):  # fmt: skip
        assert f'href="{href}"' in page


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_robots_txt_keeps_crawlers_off_the_api_and_the_admin(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert _body(response) == (SITE_ROOT / "robots.txt").read_bytes()
    assert b"Disallow: /api/\n" in _body(client.get("/robots.txt"))


def test_the_favicon_is_an_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    body = _body(response)
    assert body == (SITE_ROOT / "favicon.ico").read_bytes()
    assert body[:6] == b"\x00\x00\x01\x00\x02\x00"  # an icon file holding two images


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/", "text/html"), ("/admin/login/", "text/html"), ("/api/entreprises/", "application/json")],
)
def test_a_bad_host_header_is_a_400_and_one_log_line(client, caplog, path, content_type):
    with caplog.at_level(logging.INFO):
        response = client.get(path, HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith(content_type)
    records = [r for r in caplog.records if r.name == "django.security.DisallowedHost"]
    assert [(r.levelname, r.getMessage(), r.exc_info, r.exc_text) for r in records] == [
        (
            "ERROR",
            "Invalid HTTP_HOST header: 'evil.example'. "
            "You may need to add 'evil.example' to ALLOWED_HOSTS.",
            None,
            None,
        )
    ]
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_an_unknown_page_outside_the_api_is_a_french_404_page(client):
    response = client.get("/docs/<b>")
    assert response.status_code == 404
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Aucune page à l'adresse <code>/docs/%3Cb%3E</code>." in page
    assert "<b>" not in page
    for href in ("/", "/api/docs/", "/api/"):
        assert f'href="{href}"' in page


def test_a_server_error_outside_the_api_is_a_french_500_page(rf):
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert '<html lang="fr">' in response.content.decode()
    assert "Erreur du serveur" in response.content.decode()
