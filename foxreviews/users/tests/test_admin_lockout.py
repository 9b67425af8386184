"""The admin's sign-in (django-axes, foxreviews/users/lockout.py): five failures lock an account
from any address, or an address for any account; while locked a right password is refused too,
and each attempt doubles the wait."""

import io
import time

import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.core.management import call_command

from foxreviews.users.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

USERNAMES = ["gerante", "comptable", "directeur", *(f"inconnu-{n}" for n in range(5))]
ADDRESSES = [*(f"203.0.113.{n}" for n in range(1, 7)), "198.51.100.7", "198.51.100.8"]
ADDRESSES += [f"192.0.2.{n}" for n in range(1, 7)]


@pytest.fixture(autouse=True)
def _forget_the_counts():
    """The counts live in this run's Redis keys for a minute: none outlives its test."""
    yield
    for username in USERNAMES:
        AxesProxyHandler.reset_attempts(username=username)
    for address in ADDRESSES:
        AxesProxyHandler.reset_attempts(ip_address=address)


def _sign_in(client, username: str, password: str, address: str):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def test_the_sixth_attempt_on_one_account_is_refused_from_any_address(client):
    UserFactory(username="gerante", is_staff=True)
    answers = [_sign_in(client, "gerante", "devine", f"203.0.113.{n}") for n in range(1, 6)]
    # the fifth failure locks the account: its answer already says so
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    assert answers[4]["Retry-After"] == "60"
    refused = _sign_in(client, "gerante", PASSWORD, "203.0.113.6")  # the right password
    assert refused.status_code == 429
    assert refused["Retry-After"] == "120"  # an attempt while locked doubles the wait
    page = refused.content.decode()
    assert "Trop de tentatives de connexion pour ce compte ou depuis cette adresse." in page
    assert "Réessayez dans 2 minutes" in page
    assert "_auth_user_id" not in client.session
    # POST /api/auth/token/ has its own limits (the API's throttles, JSON 429s)
    token = client.post(
        "/api/auth/token/", {"username": "gerante", "password": PASSWORD}, REMOTE_ADDR="203.0.113.6"
    )
    assert token.status_code == 200 and set(token.json()) == {"token"}
    # an operator unlocks the account
    call_command("axes_reset_username", "gerante", stdout=io.StringIO())
    signed_in = _sign_in(client, "gerante", PASSWORD, "203.0.113.6")
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/admin/")


def test_many_accounts_from_one_address_lock_the_address(client):
    UserFactory(username="comptable", is_staff=True)
    answers = [_sign_in(client, f"inconnu-{n}", "devine", "198.51.100.7") for n in range(5)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200, 429]
    assert _sign_in(client, "comptable", PASSWORD, "198.51.100.7").status_code == 429
    # the account itself is not locked: from elsewhere its right password signs in
    signed_in = _sign_in(client, "comptable", PASSWORD, "198.51.100.8")
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/admin/")


@pytest.mark.slow  # waits for the lockout to end
def test_a_right_password_signs_in_once_the_lockout_has_expired(client, settings):
    settings.ADMIN_LOGIN_COOL_OFF_SECONDS = 1
    UserFactory(username="directeur", is_staff=True)
    answers = [_sign_in(client, "directeur", "devine", f"192.0.2.{n}") for n in range(1, 6)]
    assert [(a.status_code, a.get("Retry-After")) for a in answers][-1] == (429, "1")
    refused = _sign_in(client, "directeur", PASSWORD, "192.0.2.6")
    assert (refused.status_code, refused["Retry-After"]) == (429, "2")
    time.sleep(2.5)
    signed_in = _sign_in(client, "directeur", PASSWORD, "192.0.2.6")
    assert (signed_in.status_code, signed_in["Location"]) == (302, "/admin/")


def test_with_redis_out_of_reach_the_admin_sign_in_is_not_limited(client, settings, caplog):
    UserFactory(username="gerante", is_staff=True)
    alive = settings.CACHES
    settings.CACHES = {"default": {**alive["default"], "LOCATION": "redis://127.0.0.1:1/0"}}
    AxesProxyHandler.get_implementation(force=True)  # axes keeps the cache it started with
    try:
        wrong = [_sign_in(client, "gerante", "devine", "203.0.113.1").status_code for _ in range(6)]
        assert wrong == [200] * 6  # the form again, each time: nothing counted, nothing locked
        signed_in = _sign_in(client, "gerante", PASSWORD, "203.0.113.1")
        assert (signed_in.status_code, signed_in["Location"]) == (302, "/admin/")
        assert client.get("/admin/").status_code == 200  # the session lives in PostgreSQL
    finally:
        settings.CACHES = alive
        AxesProxyHandler.get_implementation(force=True)
    assert "admin sign-in not limited: Redis out of reach" in caplog.text


def test_a_sign_in_naming_an_account_by_a_number_is_a_400_not_a_500(client):
    answer = client.post(
        "/api/auth/token/", {"username": 1.5, "password": "x"}, content_type="application/json"
    )
    assert answer.status_code == 400  # a 500 before: axes built its key from the float
    AxesProxyHandler.reset_attempts(username="1.5")
