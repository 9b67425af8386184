"""Rate limits: per address for visitors, per account for users, shared through Redis; over
the limit a 429 with Retry-After and the JSON error shape."""

import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings

from foxreviews.core.tests.webserver import web_process

pytestmark = pytest.mark.django_db


def _rates(anon=None, user=None, **others):
    rates = {"anon": anon, "user": user, **others}
    return override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    )


def test_a_visitor_over_the_limit_gets_a_429_with_retry_after(client):
    with _rates(anon="3/minute"):
        codes = [client.get("/api/").status_code for _ in range(4)]
        response = client.get("/api/villes/", {"page_size": 1})
    assert codes == [200, 200, 200, 429]
    assert response.status_code == 429  # every endpoint counts against the same limit
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response.json()["message"].startswith("Requête ralentie")


def test_visitors_are_counted_by_address(client):
    with _rates(anon="2/minute"):
        for _ in range(2):
            assert client.get("/api/", REMOTE_ADDR="10.0.0.1").status_code == 200
        assert client.get("/api/", REMOTE_ADDR="10.0.0.1").status_code == 429
        assert client.get("/api/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_signed_in_user_has_their_own_limit_by_account(client):
    user = get_user_model().objects.create_user("pro", password="x")
    client.force_login(user)
    with _rates(anon="1/minute", user="3/minute"):
        codes = [client.get("/api/", REMOTE_ADDR=f"10.0.1.{n}").status_code for n in range(4)]
    assert codes == [200, 200, 200, 429]


def test_without_redis_the_limit_lets_requests_through(client):
    with (
        _rates(anon="1/minute"),
        override_settings(
            API_THROTTLE_STORAGE_URL="redis://127.0.0.1:1/0"  # nothing listens on port 1
        ),
    ):
        assert [client.get("/api/").status_code for _ in range(3)] == [200, 200, 200]


def test_the_schema_documents_the_429(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert "429" in schema["paths"]["/api/search/"]["get"]["responses"]


def test_a_process_tells_redis_in_batches_and_still_refuses_the_request_over_the_rate(
    client, monkeypatch
):
    from foxreviews.core.api import throttling

    limiter = throttling.shared_limiter(
        settings.API_THROTTLE_STORAGE_URL, settings.RATE_LIMIT_KEY_PREFIX
    )
    asked = []
    real_hit = limiter.hit
    monkeypatch.setattr(
        limiter, "hit", lambda *a, cost=1: asked.append(cost) or real_hit(*a, cost=cost)
    )
    with _rates(anon="40/minute"):  # batches of 2
        codes = [client.get("/api/").status_code for _ in range(42)]
    assert codes == [200] * 40 + [429, 429]
    assert asked == [1] + [2] * 20  # the first request, then every second one
    # the 42nd was refused without asking Redis again


def test_passwords_cannot_be_guessed_at_full_speed(client):
    """POST /api/auth/token/ is limited per account (from any address) and per address (on
    any account)."""
    get_user_model().objects.create_user("pro", password="le-bon-mot-de-passe")

    def attempt(username: str, address: str) -> int:
        data = {"username": username, "password": "devine"}
        return client.post("/api/auth/token/", data, REMOTE_ADDR=address).status_code

    with _rates(signin_account="5/minute", signin_address="8/minute"):
        one_account = [attempt("pro", f"10.0.2.{n}") for n in range(6)]
        one_address = [attempt(f"compte{n}", "10.0.3.1") for n in range(9)]
    assert one_account == [400] * 5 + [429]
    assert one_address == [400] * 8 + [429]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_forged_x_forwarded_for_does_not_escape_the_limit():
    """The web server believes X-Forwarded-For only from WEB_FORWARDED_ALLOW_IPS (none by
    default): a client on the machine rotating the header is still one client."""
    env = {"API_THROTTLE_ANON": "2/minute",
           "RATE_LIMIT_KEY_PREFIX": f"{settings.TEST_RUN_PREFIX}:limits"}  # fmt: skip
    with web_process(18620, **env) as port:
        codes = []
        for n in range(4):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/", headers={"X-Forwarded-For": f"203.0.113.{n}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    codes.append(response.status)
            except urllib.error.HTTPError as exc:
                codes.append(exc.code)
    assert codes == [200, 200, 429, 429]
