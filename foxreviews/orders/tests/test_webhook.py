"""The payment webhook: verified (a bad signature changes nothing), processed once per event
id, and sane whatever order its events arrive in."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from foxreviews.orders.models import Commande, CommandeTransition, EvenementPaiement
from foxreviews.orders.payments import sign
from foxreviews.orders.services import commande_place, commandes_sweep
from foxreviews.sponsorship.models import Sponsorisation

from .factories import fill, owned_proloc, signed_event

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]
WEBHOOK = "/api/paiements/webhook/"


@pytest.fixture
def commande():
    proloc = owned_proloc()
    return commande_place(user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=3)


def _paid(commande, event_id="evt_paid_1"):
    return signed_event(
        "checkout.session.completed",
        {
            "id": commande.session_paiement, "object": "checkout.session",
            "payment_status": "paid", "payment_intent": "pi_123",
            "metadata": {"commande": str(commande.pk)},
        },
        event_id=event_id,
    )  # fmt: skip


def _refunded(commande, event_id="evt_refund_1", *, refunded=True):
    return signed_event(
        "charge.refunded",
        {"id": "ch_1", "object": "charge", "payment_intent": "pi_123", "refunded": refunded,
         "metadata": {"commande": str(commande.pk)}},
        event_id=event_id,
    )  # fmt: skip


def _post(client, payload, signature, capture):
    with capture(execute=True):
        return client.post(
            WEBHOOK, payload, content_type="application/json",
            headers={"Stripe-Signature": signature} if signature is not None else {},
        )  # fmt: skip


def _walk(commande) -> list[tuple[str, str]]:
    return list(CommandeTransition.objects.filter(commande=commande).values_list("de", "vers"))


@pytest.mark.parametrize("forgery", ["no header", "other secret", "tampered body", "too old"])
def test_a_bad_signature_is_refused_and_changes_nothing(
    client, commande, forgery, django_capture_on_commit_callbacks, mailoutbox
):
    payload, signature = _paid(commande)
    if forgery == "no header":
        signature = None
    elif forgery == "other secret":
        payload, signature = signed_event(
            "checkout.session.completed", {}, event_id="e", secret="whsec_x"
        )
    elif forgery == "tampered body":
        payload = payload.replace('"paid"', '"paid" ')
    else:
        signature = sign(payload, timestamp=int(time.time()) - 301)
    response = _post(client, payload, signature, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert response.json()["extra"] == {"reason": "signature"}
    commande.refresh_from_db()
    assert commande.statut == "en_attente_paiement"
    assert EvenementPaiement.objects.count() == 0
    assert Sponsorisation.objects.count() == 0
    assert mailoutbox == []


def test_the_same_event_twice_moves_the_order_once(
    client, commande, django_capture_on_commit_callbacks, mailoutbox
):
    payload, signature = _paid(commande)
    first = _post(client, payload, signature, django_capture_on_commit_callbacks)
    second = _post(client, payload, signature, django_capture_on_commit_callbacks)
    assert (first.json(), second.json()) == (
        {"resultat": "payée, active"},
        {"resultat": "déjà traité"},
    )
    assert _walk(commande) == [
        ("", "en_attente_paiement"), ("en_attente_paiement", "payee"), ("payee", "active"),
    ]  # fmt: skip
    assert Sponsorisation.objects.filter(prolocalisation=commande.prolocalisation).count() == 1
    assert [m.subject.split(" :")[0] for m in mailoutbox] == ["Reçu de paiement"]
    event = EvenementPaiement.objects.get()
    assert (event.event_id, event.commande_id, event.resultat) == (
        "evt_paid_1",
        commande.pk,
        "payée, active",
    )


def test_a_refund_after_the_payment_stops_the_sponsorisation(
    client, commande, django_capture_on_commit_callbacks
):
    _post(client, *_paid(commande), django_capture_on_commit_callbacks)
    response = _post(client, *_refunded(commande), django_capture_on_commit_callbacks)
    assert response.json() == {"resultat": "remboursée"}
    commande.refresh_from_db()
    assert commande.statut == "remboursee"
    assert commande.sponsorisation.is_active is False
    assert _walk(commande)[-1] == ("active", "remboursee")


def test_a_partial_refund_leaves_the_order_active(
    client, commande, django_capture_on_commit_callbacks
):
    _post(client, *_paid(commande), django_capture_on_commit_callbacks)
    partial = _refunded(commande, refunded=False)
    response = _post(client, *partial, django_capture_on_commit_callbacks)
    assert response.json() == {"resultat": "remboursement partiel : commande inchangée"}
    commande.refresh_from_db()
    assert (commande.statut, commande.sponsorisation.is_active) == ("active", True)


def test_a_refund_before_its_payment_ends_the_order_and_the_payment_changes_nothing(
    client, commande, django_capture_on_commit_callbacks
):
    refund = _post(client, *_refunded(commande), django_capture_on_commit_callbacks)
    paid = _post(client, *_paid(commande), django_capture_on_commit_callbacks)
    assert refund.json() == {"resultat": "remboursée"}
    assert paid.json() == {"resultat": "paiement ignoré : commande remboursee"}
    commande.refresh_from_db()
    assert commande.statut == "remboursee"
    assert commande.sponsorisation is None
    assert Sponsorisation.objects.count() == 0
    assert _walk(commande) == [("", "en_attente_paiement"), ("en_attente_paiement", "remboursee")]


def test_an_abandoned_checkout_cancels_and_a_late_payment_takes_a_free_slot_back(
    client, commande, django_capture_on_commit_callbacks
):
    expired = signed_event(
        "checkout.session.expired",
        {"id": commande.session_paiement, "object": "checkout.session", "metadata": {}},
        event_id="evt_expired",
    )
    assert _post(client, *expired, django_capture_on_commit_callbacks).json() == {
        "resultat": "annulée"
    }
    assert _post(client, *_paid(commande), django_capture_on_commit_callbacks).json() == {
        "resultat": "payée, active"
    }
    assert _walk(commande)[1:] == [
        ("en_attente_paiement", "annulee"), ("annulee", "payee"), ("payee", "active"),
    ]  # fmt: skip


@pytest.mark.parametrize("swept", [True, False])
def test_a_late_payment_whose_slot_was_taken_is_flagged_for_a_refund(
    client, commande, swept, django_capture_on_commit_callbacks
):
    lapsed = timezone.now() - timedelta(minutes=31)
    Commande.objects.filter(pk=commande.pk).update(reservee_jusqua=lapsed)  # the hold lapsed
    if swept:
        commandes_sweep()
    fill(3)  # and its market filled meanwhile
    response = _post(client, *_paid(commande), django_capture_on_commit_callbacks)
    assert response.json() == {"resultat": "payée sans place libre : à rembourser"}
    commande.refresh_from_db()
    assert commande.statut == ("annulee" if swept else "en_attente_paiement")
    assert commande.sponsorisation is None
    assert EvenementPaiement.objects.get().resultat == "payée sans place libre : à rembourser"


def test_an_event_about_no_known_order_is_acknowledged(client, django_capture_on_commit_callbacks):
    payload, signature = signed_event(
        "checkout.session.completed", {"id": "cs_unknown", "object": "checkout.session"},
        event_id="evt_unknown",
    )  # fmt: skip
    response = _post(client, payload, signature, django_capture_on_commit_callbacks)
    assert response.json() == {"resultat": "checkout.session.completed : aucune commande"}
    assert Commande.objects.count() == 0
