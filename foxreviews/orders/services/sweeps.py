"""The sweep of sponsorship orders (every 10 minutes, idempotent): lapsed holds cancelled,
ended sponsorships expired, the e-mail 7 days before the end sent once."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from foxreviews.orders.models import Commande

from .commandes import (
    HOLD_LAPSED,
    REMINDER,
    S,
    after_commit,
    commande_cancel,
    commande_expire,
    locked,
)


def commandes_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Hourly (and idempotent): lapsed holds cancelled, ended sponsorships expired, and the
    e-mail 7 days before the end sent once."""
    now = now or timezone.now()
    lapsed = Commande.objects.filter(
        statut=S.EN_ATTENTE_PAIEMENT, reservee_jusqua__lte=now
    ).values_list("pk", flat=True)
    ended = Commande.objects.filter(statut=S.ACTIVE, sponsorisation__date_fin__lte=now).values_list(
        "pk", flat=True
    )
    counts = {"annulees": 0, "expirees": 0, "rappels": 0}
    for commande_id in list(lapsed):
        with transaction.atomic(durable=True):
            if locked(commande_id).statut == S.EN_ATTENTE_PAIEMENT:  # not paid meanwhile
                commande_cancel(commande_id=commande_id, by=None, why=HOLD_LAPSED)
                counts["annulees"] += 1
    for commande_id in list(ended):
        with transaction.atomic(durable=True):
            if locked(commande_id).statut == S.ACTIVE:
                commande_expire(commande_id=commande_id, now=now)
                counts["expirees"] += 1
    counts["rappels"] = commandes_remind(now=now)
    return counts


def commandes_remind(*, now: datetime) -> int:
    """The active orders ending within 7 days, each marked reminded (once: a conditional
    UPDATE), e-mailed and announced."""
    sent = 0
    due = Commande.objects.filter(
        statut=S.ACTIVE,
        rappel_expiration_le__isnull=True,
        sponsorisation__date_fin__gt=now,
        sponsorisation__date_fin__lte=now + REMINDER,
    ).values_list("pk", flat=True)
    for commande_id in list(due):
        with transaction.atomic(durable=True):
            if not Commande.objects.filter(
                pk=commande_id, rappel_expiration_le__isnull=True
            ).update(rappel_expiration_le=now):
                continue
            commande = Commande.objects.select_related(
                "prolocalisation__entreprise", "sponsorisation"
            ).get(pk=commande_id)
            after_commit(commande, event="sponsorship.expiring", email="rappel")
            sent += 1
    return sent
