"""The payment provider's webhook: a call verified (nothing changes when its signature does
not), each event processed once (its id stored in the same transaction as what it did),
whatever order the events arrive in."""

from __future__ import annotations

from typing import Any

import stripe
import structlog
from django.db import connection, transaction

from foxreviews.core.exceptions import ApplicationError
from foxreviews.orders.models import Commande, EvenementPaiement
from foxreviews.orders.payments import event_verify
from foxreviews.realtime.services import notify

from .commandes import (
    CommandeConflict,
    S,
    commande_activate,
    commande_cancel,
    commande_pay,
    commande_refund,
    locked,
    payload_of,
)

logger = structlog.get_logger(__name__)


class WebhookRefused(ApplicationError):
    """A webhook call whose signature does not verify, or whose body is not an event."""


def payment_webhook_process(*, payload: bytes, signature: str | None) -> str:
    """A webhook call, verified (WebhookRefused: nothing changes), then processed once per
    event id, whatever the order events arrive in; returns what was done, in words."""
    try:
        event = event_verify(payload=payload, signature=signature).to_dict()
        event_id, kind, obj = event["id"], event["type"], event["data"]["object"]
        if not isinstance(obj, dict):
            raise TypeError("data.object is not an object")
    except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError) as exc:
        raise WebhookRefused(
            "Signature du webhook invalide ou événement illisible.", {"reason": "signature"}
        ) from exc
    with transaction.atomic(durable=True):
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO orders_evenementpaiement (event_id, type, resultat, recu_le) "
                "VALUES (%s, %s, '', now()) ON CONFLICT (event_id) DO NOTHING RETURNING id",
                [str(event_id)[:255], str(kind)[:100]],
            )
            row = cursor.fetchone()
        if row is None:  # a second delivery: the first one's work stands
            return "déjà traité"
        commande_id = _commande_of(obj)
        result = _dispatch(kind, commande_id, obj, event=str(event_id)[:255])
        EvenementPaiement.objects.filter(pk=row[0]).update(commande_id=commande_id, resultat=result)
    logger.info("payment event", event_id=event_id, type=kind, commande=commande_id, result=result)
    return result


def _commande_of(obj: Any) -> int | None:
    """The order an event is about: the checkout session's, else the metadata's, else the
    payment's reference."""
    ids = []
    if isinstance(obj, dict):
        if obj.get("object") == "checkout.session" and obj.get("id"):
            ids += Commande.objects.filter(session_paiement=str(obj["id"])).values_list(
                "pk", flat=True
            )
        metadata = obj.get("metadata") or {}
        if isinstance(metadata, dict) and str(metadata.get("commande", "")).isdigit():
            ids += Commande.objects.filter(pk=int(metadata["commande"])).values_list(
                "pk", flat=True
            )
        if obj.get("payment_intent"):
            ids += Commande.objects.filter(
                paiement_reference=str(obj["payment_intent"])
            ).values_list("pk", flat=True)
    return ids[0] if ids else None


def _dispatch(kind: str, commande_id: int | None, obj: Any, *, event: str) -> str:
    """What an event does to its order, given the state the order is in (events may come in
    any order: a payment after its refund changes nothing, a refund before its payment ends
    the order)."""
    if commande_id is None:
        return f"{kind} : aucune commande"
    # locked for the rest of the event's transaction: two events of one order take turns
    statut = locked(commande_id).statut
    paid = kind == "checkout.session.async_payment_succeeded" or (
        kind == "checkout.session.completed" and obj.get("payment_status") == "paid"
    )
    if paid:
        if statut in (S.EN_ATTENTE_PAIEMENT, S.ANNULEE):
            try:
                with transaction.atomic():
                    commande_pay(
                        commande_id=commande_id, why="Paiement reçu", event=event,
                        reference=str(obj.get("payment_intent") or ""),
                    )  # fmt: skip
            except CommandeConflict:
                commande = Commande.objects.select_related("prolocalisation__entreprise").get(
                    pk=commande_id
                )
                payload = payload_of(commande, "order.paid_without_slot")
                transaction.on_commit(lambda: notify(payload=payload, admins=True), robust=True)
                return "payée sans place libre : à rembourser"
            statut = S.PAYEE
        if statut == S.PAYEE:
            commande_activate(commande_id=commande_id, event=event)
            return "payée, active"
        return f"paiement ignoré : commande {statut}"
    if kind == "checkout.session.expired":
        if statut == S.EN_ATTENTE_PAIEMENT:
            commande_cancel(commande_id=commande_id, by=None, why="Paiement abandonné", event=event)
            return "annulée"
        return f"expiration ignorée : commande {statut}"
    if kind == "charge.refunded":
        if obj.get("refunded") is not True:  # a partial refund: the order stands, staff decide
            return "remboursement partiel : commande inchangée"
        if statut != S.REMBOURSEE:
            commande_refund(commande_id=commande_id, by=None, why="Remboursement", event=event)
            return "remboursée"
        return "remboursement déjà reçu"
    return f"{kind} : ignoré"
