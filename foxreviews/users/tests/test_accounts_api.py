"""Accounts through the API: sign-up and its verification e-mail, verification by key, password
reset; French e-mails with a text and an HTML part; nobody learns which addresses have an
account; sign-ups limited per address."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import override_settings
from rest_framework.authtoken.models import Token

from foxreviews.users.models import User

pytestmark = pytest.mark.django_db
PASSWORD = "Chouette-Renard-1987"


def _key(message) -> str:
    return re.search(r"^([^\s/]{20,})$", message.body, re.MULTILINE).group(1)


def signup(client, capture, email="Lea.Martin@Exemple.fr", password=PASSWORD, **meta):
    with capture(execute=True):
        return client.post(
            "/api/auth/signup/",
            {"email": email, "password": password, "nom_affiche": "Léa  M."},
            content_type="application/json",
            **meta,
        )


def test_sign_up_sends_a_french_verification_email_whose_key_verifies_the_address(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = signup(client, django_capture_on_commit_callbacks)
    assert response.status_code == 201
    assert response.json()["email"] == "lea.martin@exemple.fr"
    assert response.json()["nom_affiche"] == "Léa M."
    user = User.objects.get()
    assert (user.username, user.email, user.nom_affiche) == (
        "lea.martin@exemple.fr", "lea.martin@exemple.fr", "Léa M.",
    )  # fmt: skip
    assert user.check_password(PASSWORD)
    assert list(EmailAddress.objects.values_list("email", "verified", "primary")) == [
        ("lea.martin@exemple.fr", False, True)
    ]
    [message] = mailoutbox
    assert message.to == ["lea.martin@exemple.fr"]
    assert message.subject == "Confirmez votre adresse e-mail sur FoxReviews"
    assert message.extra_headers["Content-Language"] == "fr"
    assert message.alternatives[0][1] == "text/html"
    key = _key(message)
    assert key in message.alternatives[0][0]

    answer = client.post("/api/auth/verify-email/", {"key": key}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["email"] == "lea.martin@exemple.fr"
    assert EmailAddress.objects.get().verified is True
    again = client.post("/api/auth/verify-email/", {"key": key}, content_type="application/json")
    assert again.status_code == 400
    forged = client.post("/api/auth/verify-email/", {"key": key[:-2] + "xx"},
                         content_type="application/json")  # fmt: skip
    assert forged.status_code == 400
    assert "invalide" in forged.json()["message"]

    # the API token: the address is the username
    token = client.post(
        "/api/auth/token/", {"username": "lea.martin@exemple.fr", "password": PASSWORD}
    )
    assert token.status_code == 200
    assert token.json()["token"] == Token.objects.get(user=user).key


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_an_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    assert signup(client, django_capture_on_commit_callbacks).status_code == 201
    second = signup(client, django_capture_on_commit_callbacks, email="LEA.MARTIN@exemple.fr",
                    password="Autre-Mot-De-Passe-42")  # fmt: skip
    assert second.status_code == 201
    assert User.objects.count() == 1
    assert User.objects.get().check_password(PASSWORD)
    assert [m.subject for m in mailoutbox] == [
        "Confirmez votre adresse e-mail sur FoxReviews",
        "Vous avez déjà un compte sur FoxReviews",
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"password": "12345678"}, "password"),  # numeric and common
        ({"password": "lea.martin"}, "password"),  # like the address
        ({"password": "court"}, "password"),  # too short
        ({"email": "pas-une-adresse"}, "email"),
        ({"nom_affiche": "L"}, "nom_affiche"),
    ],
)
def test_bad_sign_ups_are_400s_that_say_why_and_create_nothing(
    client, mailoutbox, django_capture_on_commit_callbacks, payload, field
):
    data = {"email": "lea.martin@exemple.fr", "password": PASSWORD, "nom_affiche": "Léa M."}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/auth/signup/", {**data, **payload}, content_type="application/json"
        )
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert (User.objects.count(), len(mailoutbox)) == (0, 0)


def test_password_reset_by_key_changes_the_password_once_and_drops_the_tokens(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    signup(client, django_capture_on_commit_callbacks)
    user = User.objects.get()
    Token.objects.create(user=user)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/api/auth/password/reset/", {"email": "Lea.Martin@exemple.fr"})
        unknown = client.post("/api/auth/password/reset/", {"email": "personne@exemple.fr"})
    assert (asked.status_code, unknown.status_code) == (200, 200)
    assert asked.json() == unknown.json()  # nobody learns who has an account
    [message] = mailoutbox
    assert message.subject == "Réinitialisation de votre mot de passe FoxReviews"
    key = _key(message)

    weak = client.post("/api/auth/password/reset/confirm/", {"key": key, "password": "1234"})
    assert weak.status_code == 400
    done = client.post(
        "/api/auth/password/reset/confirm/", {"key": key, "password": "Nouveau-Secret-2027"}
    )
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.check_password("Nouveau-Secret-2027")
    assert not Token.objects.filter(user=user).exists()
    assert EmailAddress.objects.get(user=user).verified is True  # the key came by e-mail
    reused = client.post(
        "/api/auth/password/reset/confirm/", {"key": key, "password": "Encore-Un-Autre-2028"}
    )
    assert reused.status_code == 400
    bad = client.post("/api/auth/password/reset/confirm/", {"key": "zz-nimporte", "password": "x"})
    assert bad.status_code == 400


def test_sign_ups_are_limited_per_email_address_and_per_client_address(
    client, django_capture_on_commit_callbacks
):
    rates = {"signup_email": "2/hour", "signup_address": "3/hour"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        same = [signup(client, django_capture_on_commit_callbacks, REMOTE_ADDR=f"10.9.0.{n}")
                for n in range(3)]  # fmt: skip
        assert [r.status_code for r in same] == [201, 201, 429]
        assert "Retry-After" in same[2]
        others = [
            signup(client, django_capture_on_commit_callbacks, email=f"x{n}@exemple.fr",
                   REMOTE_ADDR="10.9.1.1").status_code
            for n in range(4)
        ]  # fmt: skip
        assert others == [201, 201, 201, 429]


def test_the_admin_sign_in_still_works(client):
    User.objects.create_user("chef", password=PASSWORD, is_staff=True, is_superuser=True)
    response = client.post("/admin/login/", {"username": "chef", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_the_emails_go_through_an_email_provider_with_anymail(
    client, django_capture_on_commit_callbacks
):
    """ANYMAIL_PROVIDER=<name> makes anymail.backends.<name>.EmailBackend the backend; anymail's
    own test backend stands for a provider here (it records what it would send)."""
    from django.core import mail

    with override_settings(EMAIL_BACKEND="anymail.backends.test.EmailBackend", ANYMAIL={}):
        assert signup(client, django_capture_on_commit_callbacks).status_code == 201
        [message] = mail.outbox
    assert message.anymail_status.status == {"sent"}
    assert message.to == ["lea.martin@exemple.fr"]
    assert message.alternatives[0][1] == "text/html"


def test_the_links_of_the_emails_open_pages_whose_form_uses_the_key(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    signup(client, django_capture_on_commit_callbacks)
    link = re.search(r"http\S+/compte/verifier-email/\?key=\S+", mailoutbox[0].body).group(0)
    address = urlsplit(link)
    page = client.get(f"{address.path}?{address.query}")
    assert page.status_code == 200
    assert "Confirmer mon adresse" in page.content.decode()
    assert EmailAddress.objects.get().verified is False  # a GET changes nothing
    key = _key(mailoutbox[0])
    done = client.post("/compte/verifier-email/", {"key": key})
    assert "est vérifiée" in done.content.decode()
    assert EmailAddress.objects.get().verified is True

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/auth/password/reset/", {"email": "lea.martin@exemple.fr"})
    reset_key = _key(mailoutbox[-1])
    assert f"/compte/nouveau-mot-de-passe/?key={reset_key}" in mailoutbox[-1].body
    url = "/compte/nouveau-mot-de-passe/"
    differ = client.post(url, {"key": reset_key, "password": "A-b-c-1234567", "password2": "x"})
    assert "diffèrent" in differ.content.decode()
    weak = client.post(url, {"key": reset_key, "password": "123", "password2": "123"})
    assert "Mot de passe refusé" in weak.content.decode()
    new = "Renard-Argenté-2030"
    changed = client.post(url, {"key": reset_key, "password": new, "password2": new})
    assert "a changé" in changed.content.decode()
    assert User.objects.get().check_password(new)


def test_a_reset_key_expires_after_a_day(client, mailoutbox, django_capture_on_commit_callbacks):
    signup(client, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/api/auth/password/reset/", {"email": "lea.martin@exemple.fr"})
    key = _key(mailoutbox[-1])
    with override_settings(PASSWORD_RESET_TIMEOUT=-1):  # older than the timeout: expired
        late = client.post(
            "/api/auth/password/reset/confirm/", {"key": key, "password": "Nouveau-Secret-2027"}
        )
    assert late.status_code == 400
    assert User.objects.get().check_password(PASSWORD)
