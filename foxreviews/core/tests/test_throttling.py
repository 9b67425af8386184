"""Rate limits: per address for visitors, per account for users, shared through Redis; over
the limit a 429 with Retry-After and the JSON error shape."""

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import override_settings
from limits import parse

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


def _counted(rate: str, address: str) -> int:
    """Requests Redis has counted for this visitor (the window's first minute: no weighting)."""
    from foxreviews.core.api.throttling import shared_limiter

    limiter = shared_limiter(settings.API_THROTTLE_STORAGE_URL, settings.RATE_LIMIT_KEY_PREFIX)
    item = parse(rate)
    return item.amount - limiter.get_window_stats(item, "anon", address).remaining


def test_every_admitted_request_was_counted_in_redis_before_it_was_admitted(client):
    """Counted in Redis: at least every request admitted so far (the batches reported after
    the fact let 9,300 a minute through against 600), and at most twice as many (a
    reservation follows the client's demand, not the rate: twentieths of 100,000,000/minute
    reserved ahead refused clients far below it)."""
    rate, counted = "100000000/minute", []  # counted after each admitted request
    with _rates(anon=rate):
        for _ in range(100):
            assert client.get("/api/", REMOTE_ADDR="10.0.5.1").status_code == 200
            counted.append(_counted(rate, "10.0.5.1"))
    too_few = [(n, c) for n, c in enumerate(counted, 1) if c < n]
    too_many = [(n, c) for n, c in enumerate(counted, 1) if c > 2 * n]
    assert (too_few, too_many) == ([], [])


def test_the_request_over_the_rate_is_refused_even_when_reserving_in_batches(client):
    with _rates(anon="40/minute"):  # reservations of up to two permits
        codes = [client.get("/api/", REMOTE_ADDR="10.0.5.2").status_code for _ in range(42)]
    assert codes == [200] * 40 + [429, 429]
    assert _counted("40/minute", "10.0.5.2") == 40  # the last permit was asked for alone


def test_a_client_over_its_limit_is_logged_once_not_once_a_request(client, caplog):
    with _rates(anon="3/minute"):
        codes = [client.get("/api/", REMOTE_ADDR="10.0.5.3").status_code for _ in range(50)]
    assert codes == [200] * 3 + [429] * 47
    lines = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert [line for line in lines if "Too Many Requests" in line] == []
    assert len([line for line in lines if "rate limit reached" in line]) == 1


def test_requests_arriving_at_once_share_one_reservation():
    """Fifty requests of one client at once in one process: one reservation at a time, not
    one per request (which spent 600/minute in a burst of 200)."""
    from django.test import Client

    def get(_: int) -> int:
        return Client().get("/api/", REMOTE_ADDR="10.0.4.1").status_code

    with _rates(anon="600/minute"), ThreadPoolExecutor(50) as pool:
        codes = list(pool.map(get, range(200)))
    assert codes == [200] * 200


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


def _status(url: str | urllib.request.Request) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_forged_x_forwarded_for_does_not_escape_the_limit():
    """The web server believes X-Forwarded-For only from WEB_FORWARDED_ALLOW_IPS (none by
    default): a client on the machine rotating the header is still one client."""
    env = {"API_THROTTLE_ANON": "2/minute",
           "RATE_LIMIT_KEY_PREFIX": f"{settings.TEST_RUN_PREFIX}:limits"}  # fmt: skip
    with web_process(**env) as port:
        codes = [
            _status(
                urllib.request.Request(
                    f"http://127.0.0.1:{port}/api/", headers={"X-Forwarded-For": f"203.0.113.{n}"}
                )
            )
            for n in range(4)
        ]
    assert codes == [200, 200, 429, 429]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_web_processes_admit_no_more_than_the_rate_together():
    """One visitor hammering two web processes far above its rate for three windows of the
    limit: the processes together admit the rate per window, within 10 %. (Batches counted
    after the fact let a refused client's next batch through: 15 times the rate.)"""
    rate, windows, seconds_per_window = 100, 3, 2
    env = {"API_THROTTLE_ANON": f"{rate}/{seconds_per_window} seconds"}
    with web_process(**env) as first, web_process(**env) as second:
        urls = [f"http://127.0.0.1:{port}/api/" for port in (first, second)]
        deadline = time.monotonic() + windows * seconds_per_window

        def hammer(thread: int) -> list[int]:
            codes = []
            while time.monotonic() < deadline:
                codes.append(_status(urls[(thread + len(codes)) % 2]))
            return codes

        with ThreadPoolExecutor(16) as pool:
            codes = [code for codes in pool.map(hammer, range(16)) for code in codes]
    admitted, refused = codes.count(200), codes.count(429)
    assert admitted + refused == len(codes)
    assert refused > 4 * admitted  # far above the rate
    assert 0.9 * rate * windows <= admitted <= 1.1 * rate * windows, (admitted, refused)
