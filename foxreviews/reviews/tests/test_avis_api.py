"""Avis through the API: the walk sign-up → verify → post → staff approve → rating; a refusal
e-mailed with its reason; the 400/403/409 cases; what each account may see."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.reviews.models import Avis
from foxreviews.reviews.tests.factories import AvisFactory

from .conftest import avis_payload, verified_user

pytestmark = pytest.mark.django_db


def _client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _rating(proloc) -> tuple:
    return ProLocalisation.objects.values_list("note_moyenne", "nombre_avis").get(pk=proloc.pk)


def test_the_walk_sign_up_verify_post_approve_and_refuse(
    proloc, staff, mailoutbox, django_capture_on_commit_callbacks
):
    visitor = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        visitor.post("/api/auth/signup/", {"email": "lea@exemple.fr",
                     "password": "Chouette-Renard-1987", "nom_affiche": "Léa M."})  # fmt: skip
    key = re.search(r"^([^\s/]{20,})$", mailoutbox[0].body, re.MULTILINE).group(1)
    token = visitor.post("/api/auth/token/", {"username": "lea@exemple.fr",
                         "password": "Chouette-Renard-1987"}).json()["token"]  # fmt: skip
    visitor.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    url = f"/api/prolocalisations/{proloc.pk}/avis/"
    assert visitor.post(url, avis_payload(), format="json").status_code == 403  # not verified
    assert visitor.post("/api/auth/verify-email/", {"key": key}).status_code == 200

    posted = visitor.post(url, avis_payload(note=5), format="json")
    assert posted.status_code == 201
    body = posted.json()
    assert (body["statut"], body["nom_affiche"], body["note"]) == ("en_attente", "Léa M.", 5)
    assert visitor.get(url).json()["results"] == []  # not public until approved
    assert _rating(proloc) == (None, 0)

    moderator = _client(staff)
    queue = moderator.get("/api/moderation/avis/?statut=en_attente").json()["results"]
    assert [a["id"] for a in queue] == [body["id"]]
    decided = moderator.post(
        f"/api/moderation/avis/{body['id']}/decision/", {"decision": "approuver"}, format="json"
    )
    assert decided.status_code == 200
    assert decided.json()["statut"] == "publie"
    assert _rating(proloc) == (Decimal("5.00"), 1)
    avis = Avis.objects.get(pk=body["id"])
    assert (avis.modere_par, avis.publie_le is not None) == (staff, True)
    [public] = APIClient().get(url).json()["results"]
    assert public == {
        "id": avis.pk,
        "note": 5,
        "titre": "Pain excellent",
        "texte": "Une baguette croustillante et un accueil souriant, je reviendrai.",
        "nom_affiche": "Léa M.",
        "date_publication": public["date_publication"],
        "date_experience": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "verification": Avis.Verification.COMPTE_VERIFIE.label,
        "reponse": None,
    }
    assert public["date_publication"].startswith(timezone.localdate().isoformat()[:4])

    # a second author's avis, refused: the reason by e-mail and in their own list
    tom = verified_user("tom")
    other = _client(tom).post(url, avis_payload(note=1), format="json").json()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refused = moderator.post(
            f"/api/moderation/avis/{other['id']}/decision/",
            {"decision": "refuser", "motif": "pas_experience", "texte": "Aucune trace de visite."},
            format="json",
        )
    assert refused.status_code == 200
    assert _rating(proloc) == (Decimal("5.00"), 1)
    [message] = mailoutbox
    assert message.to == ["tom@exemple.fr"]
    assert message.subject == "Votre avis sur Boulangerie Lemaître n'a pas été publié"
    assert "Motif : Pas une expérience réelle et personnelle" in message.body
    assert "Aucune trace de visite." in message.alternatives[0][0]
    [mine] = _client(tom).get("/api/me/avis/").json()["results"]
    assert (mine["statut"], mine["motif_refus"], mine["motif_moderation"]) == (
        "refuse", "Pas une expérience réelle et personnelle", "Aucune trace de visite.",
    )  # fmt: skip


def test_second_avis_409_owner_403_and_bad_input_400(proloc, lea):
    url = f"/api/prolocalisations/{proloc.pk}/avis/"
    first = _client(lea).post(url, avis_payload(), format="json").json()["id"]
    again = _client(lea).post(url, avis_payload(note=2), format="json")
    assert again.status_code == 409
    assert again.json()["extra"] == {"avis": first}
    assert f"n° {first}" in again.json()["message"]

    owner = verified_user("patron")
    Entreprise.objects.filter(pk=proloc.entreprise_id).update(owner=owner)
    mine = _client(owner).post(url, avis_payload(), format="json")
    assert mine.status_code == 403
    assert mine.json()["extra"] == {"reason": "owner"}

    tom = verified_user("tom")
    today = timezone.localdate()
    for bad in (
        {"note": 0}, {"note": 6}, {"texte": "Trop court."}, {"texte": "x" * 2001},
        {"date_experience": (today + timedelta(days=1)).isoformat()},
        {"date_experience": (today - timedelta(days=366)).isoformat()},
        {"date_experience": "pas une date"},
        {"note": "5"}, {"note": 4.0}, {"note": True}, {"texte": 1234567890 ** 3},
    ):  # fmt: skip
        response = _client(tom).post(url, avis_payload(**bad), format="json")
        assert response.status_code == 400, bad
    assert _client(tom).post("/api/prolocalisations/999999/avis/", avis_payload(),
                             format="json").status_code == 404  # fmt: skip
    assert APIClient().post(url, avis_payload(), format="json").status_code in (401, 403)
    assert Avis.objects.count() == 1


def test_five_avis_an_hour_per_account(proloc, lea):
    url = f"/api/prolocalisations/{proloc.pk}/avis/"
    rates = {"avis": "5/hour"}
    with override_settings(
        REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    ):
        codes = [_client(lea).post(url, avis_payload(), format="json").status_code
                 for _ in range(6)]  # fmt: skip
        assert _client(lea).get(url).status_code == 200  # reading is not counted
    assert codes == [201, 409, 409, 409, 409, 429]


def test_nobody_sees_another_accounts_unpublished_avis_or_the_moderation(proloc, lea, tom):
    pending = AvisFactory(prolocalisation=proloc, auteur=lea, statut=Avis.Statut.EN_ATTENTE)
    refused = AvisFactory(auteur=lea, statut=Avis.Statut.REFUSE, motif_refus="publicite")
    url = f"/api/prolocalisations/{proloc.pk}/avis/"
    for client in (APIClient(), _client(tom), _client(lea)):
        assert client.get(url).json()["results"] == []
    assert _client(tom).get("/api/me/avis/").json()["results"] == []
    assert {a["id"] for a in _client(lea).get("/api/me/avis/").json()["results"]} == {
        pending.pk, refused.pk,
    }  # fmt: skip
    assert APIClient().get("/api/me/avis/").status_code in (401, 403)
    for client in (APIClient(), _client(tom), _client(lea)):
        assert client.get("/api/moderation/avis/").status_code in (401, 403)
        assert client.get("/api/moderation/avis/?statut=signale").status_code in (401, 403)
        decision = client.post(f"/api/moderation/avis/{pending.pk}/decision/",
                               {"decision": "approuver"}, format="json")  # fmt: skip
        assert decision.status_code in (401, 403)
    # nor report or answer an avis that is not public
    assert _client(tom).post(f"/api/avis/{pending.pk}/signalements/",
                             {"motif": "publicite"}).status_code == 404  # fmt: skip
    assert Avis.objects.get(pk=pending.pk).statut == Avis.Statut.EN_ATTENTE


def test_a_decision_needs_a_listed_motif_to_refuse(proloc, staff):
    avis = AvisFactory(prolocalisation=proloc, statut=Avis.Statut.EN_ATTENTE)
    moderator = _client(staff)
    url = f"/api/moderation/avis/{avis.pk}/decision/"
    assert moderator.post(url, {"decision": "refuser"}, format="json").status_code == 400
    assert moderator.post(url, {"decision": "refuser", "motif": "autre"},
                          format="json").status_code == 400  # fmt: skip
    assert moderator.post(url, {"decision": "peut-être"}, format="json").status_code == 400
    assert moderator.post("/api/moderation/avis/999999/decision/", {"decision": "approuver"},
                          format="json").status_code == 404  # fmt: skip
    assert moderator.get("/api/moderation/avis/?statut=publie").status_code == 400
    assert Avis.objects.get(pk=avis.pk).statut == Avis.Statut.EN_ATTENTE


def test_the_charter_in_the_api_and_as_a_page(client):
    charte = client.get("/api/avis/charte/").json()
    titles = [section["titre"] for section in charte["sections"]]
    assert titles[:5] == [
        "Qui peut publier un avis", "Ce qui est refusé, et pourquoi", "Délai de modération",
        "Comment un avis est vérifié", "Signaler un avis",
    ]  # fmt: skip
    page = client.get("/avis/charte/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Charte de modération des avis FoxReviews" in text
    assert "Contenu illicite ou haineux" in text and "L111-7-2" in text


def test_the_lists_read_a_bounded_number_of_queries(proloc, lea, staff, django_assert_num_queries):
    for n in range(5):
        author = verified_user(f"auteur{n}")
        AvisFactory(prolocalisation=proloc, auteur=author)
        AvisFactory(prolocalisation=proloc, auteur=lea if n == 0 else None,
                    statut=Avis.Statut.EN_ATTENTE)  # fmt: skip
    public, moderator = APIClient(), _client(staff)
    with django_assert_num_queries(2):  # the pro-localisation, the page (answers joined)
        assert len(public.get(f"/api/prolocalisations/{proloc.pk}/avis/").json()["results"]) == 5
    with django_assert_num_queries(2):  # the page, the open reports
        assert len(moderator.get("/api/moderation/avis/").json()["results"]) == 5
    with django_assert_num_queries(1):
        assert len(_client(lea).get("/api/me/avis/").json()["results"]) == 1


def test_published_avis_newest_first_in_cursor_pages(proloc):
    now = timezone.now()
    ids = [
        AvisFactory(prolocalisation=proloc, publie_le=now - timedelta(days=days)).pk
        for days in (30, 1, 7, 1)
    ]
    AvisFactory(prolocalisation=proloc, statut=Avis.Statut.PUBLIE, publie_le=now, masque=True)
    url = f"/api/prolocalisations/{proloc.pk}/avis/"
    first = APIClient().get(url, {"page_size": 3}).json()
    second = APIClient().get(first["next"]).json()
    seen = [a["id"] for a in first["results"] + second["results"]]
    assert seen == [ids[3], ids[1], ids[2], ids[0]]  # same date: the later id first
    assert second["next"] is None
    assert APIClient().get("/api/prolocalisations/999999/avis/").status_code == 404
