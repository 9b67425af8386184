"""Payment providers behind one interface: Stripe Checkout when STRIPE_SECRET_KEY and
STRIPE_WEBHOOK_SECRET are set, else the local test provider, which speaks the same protocol
(a checkout page, webhook events signed as Stripe signs them): one verification path,
`stripe.Webhook.construct_event`, checks both."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any, Protocol

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from foxreviews.core.exceptions import ApplicationError

from .jobs import local_event_deliver
from .models import Commande, EvenementTest

TEST = "test"
STRIPE = "stripe"


@dataclass(frozen=True)
class CheckoutSession:
    id: str
    url: str


class PaymentProvider(Protocol):
    name: str

    def webhook_secret(self) -> str: ...

    def checkout_create(self, *, commande: Commande, description: str) -> CheckoutSession: ...

    def refund(self, *, commande: Commande) -> None: ...


def _metadata(commande: Commande) -> dict[str, str]:
    return {"commande": str(commande.pk)}


class StripeProvider:
    """Stripe Checkout, one payment of the order's TTC amount, expiring with its hold."""

    name = STRIPE

    def webhook_secret(self) -> str:
        return settings.STRIPE_WEBHOOK_SECRET

    def client(self) -> stripe.StripeClient:
        return stripe.StripeClient(
            settings.STRIPE_SECRET_KEY,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=2,
        )

    def checkout_create(self, *, commande: Commande, description: str) -> CheckoutSession:
        session = self.client().v1.checkout.sessions.create(
            {
                "mode": "payment",
                "line_items": [
                    {
                        "quantity": 1,
                        "price_data": {
                            "currency": "eur",
                            "unit_amount": commande.montant_ttc_centimes,
                            "product_data": {"name": description},
                        },
                    }
                ],
                "client_reference_id": str(commande.pk),
                "metadata": _metadata(commande),
                "payment_intent_data": {"metadata": _metadata(commande)},
                **({"customer_email": commande.client.email} if commande.client.email else {}),
                # with its hold, but Stripe wants 30 minutes at least: a payment in the last
                # seconds lands after the hold and takes the slot back only if it is still free
                "expires_at": max(
                    int(commande.reservee_jusqua.timestamp()), int(time.time()) + 1805
                ),
                "locale": "fr",
                "success_url": f"{settings.SITE_URL}/?commande={commande.pk}&paiement=ok",
                "cancel_url": f"{settings.SITE_URL}/?commande={commande.pk}&paiement=annule",
            }
        )
        return CheckoutSession(id=session.id, url=session.url)

    def refund(self, *, commande: Commande) -> None:
        self.client().v1.refunds.create(
            {"payment_intent": commande.paiement_reference, "metadata": _metadata(commande)}
        )


class LocalTestProvider:
    """The local stand-in for Stripe: its checkout page is /paiement-test/<session>/; paying
    or cancelling there sends the webhook event Stripe would send, signed with
    PAYMENT_TEST_WEBHOOK_SECRET, from a task (local_event_deliver)."""

    name = TEST

    def webhook_secret(self) -> str:
        return settings.PAYMENT_TEST_WEBHOOK_SECRET

    def checkout_create(self, *, commande: Commande, description: str) -> CheckoutSession:
        session = f"cs_test_{secrets.token_urlsafe(24)}"
        path = reverse("paiement-test", kwargs={"session": session})
        return CheckoutSession(id=session, url=f"{settings.SITE_URL}{path}")

    def refund(self, *, commande: Commande) -> None:
        local_event_emit(
            commande=commande,
            type="charge.refunded",
            obj={
                "id": f"ch_test_{secrets.token_hex(12)}",
                "object": "charge",
                "payment_intent": commande.paiement_reference or None,
                "refunded": True,
                "amount_refunded": commande.montant_ttc_centimes,
                "currency": "eur",
                "metadata": _metadata(commande),
            },
        )


class NoPaymentProvider(ApplicationError):
    status_code = 503


def payment_provider() -> PaymentProvider:
    if settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET:
        return StripeProvider()
    if not settings.PAYMENT_TEST_PROVIDER_ALLOWED:
        raise NoPaymentProvider("Le paiement en ligne n'est pas configuré sur ce site.")
    return LocalTestProvider()


def event_verify(*, payload: bytes, signature: str | None) -> stripe.Event:
    """The event of a webhook call whose Stripe-Signature header signs its body with the
    provider's secret (and is less than 5 minutes old). Raises
    stripe.SignatureVerificationError, or ValueError for a body that is not JSON."""
    return stripe.Webhook.construct_event(payload, signature, payment_provider().webhook_secret())


def sign(payload: str, *, secret: str | None = None, timestamp: int | None = None) -> str:
    """The Stripe-Signature header of `payload` (t=...,v1=HMAC-SHA256), as Stripe computes it."""
    return stripe.WebhookSignature.generate_signature_header(
        payload, secret or settings.PAYMENT_TEST_WEBHOOK_SECRET, timestamp=timestamp
    )


def local_event_emit(*, commande: Commande, type: str, obj: dict[str, Any]) -> EvenementTest | None:
    """The test provider sends event `type` about `commande`'s session once (a second pay or
    cancel on its page sends nothing): stored signed in its outbox, delivered after commit.
    Returns None when that event was sent already."""
    created = int(time.time())
    event_id = f"evt_test_{secrets.token_hex(12)}"
    payload = json.dumps(
        {
            "id": event_id,
            "object": "event",
            "api_version": "2025-01-27",
            "created": created,
            "livemode": False,
            "type": type,
            "data": {"object": obj},
        }
    )
    try:
        with transaction.atomic():
            event = EvenementTest.objects.create(
                event_id=event_id,
                session=commande.session_paiement,
                type=type,
                payload=payload,
                signature=sign(payload, timestamp=created),
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: local_event_deliver.delay(event.pk), robust=True)
    return event


CHECKOUT_ENDS = ("checkout.session.completed", "checkout.session.expired")


def local_checkout_ended(*, session: str) -> bool:
    """A session of the test provider is paid or cancelled once, as Stripe's is."""
    return EvenementTest.objects.filter(session=session, type__in=CHECKOUT_ENDS).exists()


def local_checkout_pay(*, commande: Commande) -> EvenementTest | None:
    if local_checkout_ended(session=commande.session_paiement):
        return None
    return local_event_emit(
        commande=commande,
        type="checkout.session.completed",
        obj={
            "id": commande.session_paiement,
            "object": "checkout.session",
            "status": "complete",
            "payment_status": "paid",
            "payment_intent": f"pi_test_{secrets.token_hex(12)}",
            "amount_total": commande.montant_ttc_centimes,
            "currency": "eur",
            "client_reference_id": str(commande.pk),
            "metadata": _metadata(commande),
        },
    )


def local_checkout_cancel(*, commande: Commande) -> EvenementTest | None:
    if local_checkout_ended(session=commande.session_paiement):
        return None
    return local_event_emit(
        commande=commande,
        type="checkout.session.expired",
        obj={
            "id": commande.session_paiement,
            "object": "checkout.session",
            "status": "expired",
            "payment_status": "unpaid",
            "client_reference_id": str(commande.pk),
            "metadata": _metadata(commande),
        },
    )
