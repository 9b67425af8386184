"""Reports (signalements) and the owner's answer: illicit content hidden at once and out of the
rating until decided; the moderation queue of reported avis; one answer, editable 24 hours,
the author e-mailed; the staff told after the commit."""

from datetime import timedelta
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.utils import timezone
from rest_framework.test import APIClient

from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.realtime.consumers import ADMINS_GROUP, user_group
from foxreviews.reviews.models import Avis, Reponse, Signalement
from foxreviews.reviews.services import avis_moderate, prolocalisation_ratings_refresh
from foxreviews.reviews.tests.factories import AvisFactory

from .conftest import avis_payload, verified_user

pytestmark = pytest.mark.django_db


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def published(proloc, lea):
    avis = AvisFactory(prolocalisation=proloc, auteur=lea, note=2, auteur_nom="Lea")
    AvisFactory(prolocalisation=proloc, note=4)
    prolocalisation_ratings_refresh(prolocalisation_ids=[proloc.pk])
    return avis


@pytest.fixture
def admins_channel():
    """A channel in the staff's group of the real channel layer: what their websockets get."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(ADMINS_GROUP, channel)
    yield lambda: async_to_sync(layer.receive)(channel)
    async_to_sync(layer.group_discard)(ADMINS_GROUP, channel)


def _rating(proloc) -> tuple:
    return ProLocalisation.objects.values_list("note_moyenne", "nombre_avis").get(pk=proloc.pk)


def test_illicit_content_hides_the_avis_at_once_until_a_moderator_decides(
    published, proloc, tom, staff, admins_channel, django_capture_on_commit_callbacks
):
    assert _rating(proloc) == (Decimal("3.00"), 2)
    url = f"/api/avis/{published.pk}/signalements/"
    with django_capture_on_commit_callbacks(execute=True):
        response = _client(tom).post(url, {"motif": "contenu_illicite"}, format="json")
    assert response.status_code == 201
    message = admins_channel()
    assert message["payload"] == {
        "event": "avis.signale",
        "type": "avis.signale",
        "data": {"avis": published.pk, "prolocalisation": proloc.pk, "note": 2,
                 "statut": "publie", "alertes": [], "motif": "contenu_illicite", "masque": True},
    }  # fmt: skip
    assert _rating(proloc) == (Decimal("4.00"), 1)
    public = APIClient().get(f"/api/prolocalisations/{proloc.pk}/avis/").json()["results"]
    assert [a["id"] for a in public] == [published.pk + 1]
    assert _client(tom).post(url, {"motif": "publicite"}).status_code == 404  # hidden now

    queue = _client(staff).get("/api/moderation/avis/?statut=signale").json()["results"]
    assert [(a["id"], [s["motif"] for s in a["signalements"]]) for a in queue] == [
        (published.pk, ["contenu_illicite"])
    ]
    decided = _client(staff).post(f"/api/moderation/avis/{published.pk}/decision/",
                                  {"decision": "approuver"}, format="json")  # fmt: skip
    assert decided.status_code == 200
    assert _rating(proloc) == (Decimal("3.00"), 2)
    assert _client(staff).get("/api/moderation/avis/?statut=signale").json()["results"] == []
    assert Signalement.objects.get().traite_le is not None


def test_other_reports_requeue_without_hiding_and_once_per_account(published, proloc, tom, lea):
    url = f"/api/avis/{published.pk}/signalements/"
    assert _client(tom).post(url, {"motif": "publicite"}).status_code == 201
    assert _client(tom).post(url, {"motif": "donnees_personnelles"}).status_code == 409
    assert _client(lea).post(url, {"motif": "autre"}).status_code == 400  # "autre" needs a text
    assert _client(lea).post(url, {"motif": "insulte"}).status_code == 400
    assert APIClient().post(url, {"motif": "publicite"}).status_code in (401, 403)
    avis = Avis.objects.get(pk=published.pk)
    assert (avis.masque, avis.signale_le is not None) == (False, True)
    assert _rating(proloc) == (Decimal("3.00"), 2)


def test_the_owner_answers_once_edits_within_24_hours_and_the_author_is_emailed(
    published, proloc, tom, mailoutbox, django_capture_on_commit_callbacks
):
    owner = verified_user("patron")
    Entreprise.objects.filter(pk=proloc.entreprise_id).update(owner=owner)
    url = f"/api/avis/{published.pk}/reponse/"
    texte = "Merci pour votre retour, nous avons revu la cuisson."
    assert _client(tom).post(url, {"texte": texte}).status_code == 403
    assert _client(owner).post(url, {"texte": "Merci."}).status_code == 400  # < 10 characters
    assert _client(owner).post(url, {"texte": "x" * 1501}).status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        created = _client(owner).post(url, {"texte": texte})
    assert created.status_code == 201
    [message] = mailoutbox
    assert message.to == ["lea@exemple.fr"]
    assert message.subject == "Boulangerie Lemaître a répondu à votre avis"
    assert texte in message.body and texte in message.alternatives[0][0]

    edited = _client(owner).post(url, {"texte": texte + " À bientôt !"})
    assert edited.status_code == 200
    assert len(mailoutbox) == 1  # an edit is not e-mailed again
    public = APIClient().get(f"/api/prolocalisations/{proloc.pk}/avis/").json()["results"]
    answered = next(a for a in public if a["id"] == published.pk)
    assert answered["reponse"]["texte"] == texte + " À bientôt !"
    Reponse.objects.update(created_at=timezone.now() - timedelta(hours=24, minutes=1))
    assert _client(owner).post(url, {"texte": texte}).status_code == 403
    assert Reponse.objects.get().texte == texte + " À bientôt !"


def test_a_new_avis_is_announced_to_the_staff_with_its_alerts(
    proloc, lea, admins_channel, django_capture_on_commit_callbacks
):
    payload = avis_payload(
        titre="", texte="SUPER BOULANGERIE, APPELEZ LE 06 12 34 56 78 OU www.pain.fr"
    )
    with django_capture_on_commit_callbacks(execute=True):
        avis_id = (
            _client(lea)
            .post(f"/api/prolocalisations/{proloc.pk}/avis/", payload, format="json")
            .json()["id"]
        )
    assert admins_channel()["payload"] == {
        "event": "avis.en_attente",
        "type": "avis.en_attente",
        "data": {"avis": avis_id, "prolocalisation": proloc.pk, "note": 4,
                 "statut": "en_attente", "alertes": ["lien", "telephone", "majuscules"]},
    }  # fmt: skip


def test_the_author_learns_the_decision_on_their_websocket(
    proloc, lea, staff, django_capture_on_commit_callbacks
):
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(lea.pk), channel)
    avis = AvisFactory(prolocalisation=proloc, auteur=lea, statut=Avis.Statut.EN_ATTENTE)
    with django_capture_on_commit_callbacks(execute=True):
        avis_moderate(avis_ids=[avis.pk], moderateur=staff, decision="refuser",
                      motif_refus="publicite")  # fmt: skip
    message = async_to_sync(layer.receive)(channel)
    async_to_sync(layer.group_discard)(user_group(lea.pk), channel)
    assert message["payload"] == {
        "event": "avis.refuse",
        "type": "avis.refuse",
        "data": {"avis": avis.pk, "prolocalisation": proloc.pk, "statut": "refuse",
                 "motif_refus": "publicite"},
    }  # fmt: skip
