"""The Stripe provider against a local Stripe API (stripe_server.py): the Checkout Session an
order asks for, the refund staff ask for, and an order cancelled when Stripe refuses."""

import pytest

from foxreviews.orders.models import Commande, CommandeTransition
from foxreviews.orders.services import (
    PaymentUnavailable,
    commande_activate,
    commande_pay,
    commande_place,
    commande_refund_request,
)

from .factories import owned_proloc
from .stripe_server import StripeServer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def stripe_api(settings):
    with StripeServer() as server:
        settings.STRIPE_SECRET_KEY = "sk_test_foxreviews"
        settings.STRIPE_WEBHOOK_SECRET = "whsec_foxreviews"
        settings.STRIPE_API_BASE = server.url
        yield server


def test_an_order_opens_a_checkout_session_for_its_ttc_amount(stripe_api):
    proloc = owned_proloc()
    commande = commande_place(
        user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=12
    )
    (call,) = stripe_api.requests
    assert call["path"] == "/v1/checkout/sessions"
    assert call["auth"] == "Bearer sk_test_foxreviews"
    form = call["form"]
    assert {k: form[k] for k in (
        "mode", "line_items[0][quantity]", "line_items[0][price_data][currency]",
        "line_items[0][price_data][unit_amount]", "client_reference_id", "metadata[commande]",
        "payment_intent_data[metadata][commande]", "locale", "customer_email",
    )} == {
        "mode": "payment", "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "119880",  # batiment, grande, 12 mois: 999 € HT
        "client_reference_id": str(commande.pk), "metadata[commande]": str(commande.pk),
        "payment_intent_data[metadata][commande]": str(commande.pk), "locale": "fr",
        "customer_email": proloc.entreprise.owner.email,
    }  # fmt: skip
    assert form["line_items[0][price_data][product_data][name]"].startswith(
        "Sponsorisation 12 mois — Plomberie Éloïse & Fils — "
    )
    assert int(form["expires_at"]) >= int(commande.reservee_jusqua.timestamp())
    commande.refresh_from_db()
    assert (commande.fournisseur, commande.session_paiement) == (
        "stripe",
        commande.session_paiement,
    )
    assert commande.session_paiement.startswith("cs_test_a1")
    assert commande.url_paiement == f"https://checkout.stripe.com/c/pay/{commande.session_paiement}"


def test_a_refused_session_cancels_the_order_and_frees_its_slot(stripe_api):
    proloc = owned_proloc()
    stripe_api.fail_next(400)  # refused (a 5xx would be retried twice first)
    with pytest.raises(PaymentUnavailable):
        commande_place(user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=1)
    commande = Commande.objects.get()
    assert commande.statut == "annulee"
    assert CommandeTransition.objects.filter(commande=commande).last().motif == (
        "Paiement impossible à préparer"
    )


def test_staff_ask_stripe_to_refund_a_paid_order(stripe_api):
    proloc = owned_proloc()
    commande = commande_place(
        user=proloc.entreprise.owner, prolocalisation_id=proloc.pk, duree_mois=1
    )
    commande_pay(commande_id=commande.pk, why="Paiement reçu", reference="pi_3Abc")
    commande_activate(commande_id=commande.pk)
    commande_refund_request(commande_id=commande.pk, by=None)
    refund = stripe_api.requests[-1]
    assert refund["path"] == "/v1/refunds"
    assert refund["form"] == {"payment_intent": "pi_3Abc", "metadata[commande]": str(commande.pk)}
    # the order changes when Stripe's charge.refunded event arrives, not before
    assert Commande.objects.get(pk=commande.pk).statut == "active"
