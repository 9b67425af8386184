"""The Celery tasks that the order services queue once their transaction commits: the
e-mails of an order, and the delivery of the test payment provider's webhook events."""

from __future__ import annotations

import httpx
import structlog
from celery import shared_task
from django.conf import settings
from django.utils import timezone

from foxreviews.core.mail import send_email

from .models import Commande, EvenementTest

logger = structlog.get_logger(__name__)

# what each e-mail is: its template under templates/emails/
EMAILS = {
    "confirmation": "commande_confirmation",
    "recu": "commande_recu",
    "rappel": "sponsorisation_rappel",
    "expiree": "sponsorisation_expiree",
}


def euros(cents: int) -> str:
    """1234567 → '12 345,67 €' (French; integers only)."""
    whole = f"{cents // 100:,}".replace(",", "\u202f")
    return f"{whole},{cents % 100:02d} €"


@shared_task(
    name="foxreviews.orders.jobs.commande_email",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=60,
    soft_time_limit=50,
    ignore_result=True,
)
def commande_email(commande_id: int, kind: str) -> bool:
    """The e-mail `kind` (EMAILS) of an order to the account that placed it."""
    commande = (
        Commande.objects.select_related(
            "client",
            "sponsorisation",
            "prolocalisation__entreprise",
            "prolocalisation__sous_categorie",
            "prolocalisation__ville",
        )
        .defer("prolocalisation__entreprise__search_vector")
        .filter(pk=commande_id)
        .first()
    )
    if commande is None or not commande.client.email:
        return False
    proloc = commande.prolocalisation
    send_email(
        to=[commande.client.email],
        template=EMAILS[kind],
        context={
            "commande": commande,
            "entreprise": proloc.entreprise.nom,
            "sous_categorie": proloc.sous_categorie.visitor_name,
            "ville": proloc.ville.nom,
            "ht": euros(commande.montant_ht_centimes),
            "tva": euros(commande.tva_centimes),
            "ttc": euros(commande.montant_ttc_centimes),
            "sponsorisation": commande.sponsorisation,
        },
    )
    return True


@shared_task(
    name="foxreviews.orders.jobs.local_event_deliver",
    autoretry_for=(httpx.HTTPError,),
    retry_backoff=True,
    max_retries=8,
    time_limit=60,
    soft_time_limit=50,
    ignore_result=True,
)
def local_event_deliver(event_id: int) -> int | None:
    """POST one of the test provider's events to the webhook URL, as Stripe would (retried
    while the platform does not answer 2xx). Returns the status, None when delivered already."""
    return deliver(event_id=event_id)


def deliver(*, event_id: int, transport: httpx.BaseTransport | None = None) -> int | None:
    event = EvenementTest.objects.filter(pk=event_id, livre_le__isnull=True).first()
    if event is None:
        return None
    with httpx.Client(transport=transport, timeout=10.0) as client:
        response = client.post(
            settings.PAYMENT_TEST_WEBHOOK_URL,
            content=event.payload.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": event.signature},
        )
    response.raise_for_status()
    EvenementTest.objects.filter(pk=event.pk).update(livre_le=timezone.now())
    logger.info(
        "test payment event delivered", event_id=event.event_id, status=response.status_code
    )
    return response.status_code
