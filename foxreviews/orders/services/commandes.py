"""An order's life: placed (holding a slot of its market), paid, active, expired, cancelled or
refunded. Each change of state is one service that writes its audit row (CommandeTransition)
in the same transaction and sends its e-mail and real-time event once that transaction
commits."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import stripe
import structlog
from django.db import transaction
from django.utils import timezone

from foxreviews.core.exceptions import ApplicationError
from foxreviews.enterprise.models import ProLocalisation
from foxreviews.orders.jobs import commande_email
from foxreviews.orders.models import (
    DUREES_MOIS,
    SLOTS_PER_MARKET,
    Commande,
    CommandeTransition,
    Marche,
)
from foxreviews.orders.payments import payment_provider
from foxreviews.orders.selectors import market_occupants, prix_of, tarifs_for
from foxreviews.realtime.services import notify
from foxreviews.sponsorship.models import Sponsorisation

logger = structlog.get_logger(__name__)

HOLD = timedelta(minutes=30)  # a slot held for an order waiting for its payment
REMINDER = timedelta(days=7)  # the e-mail before a sponsorship ends
HOLD_LAPSED = "Délai de paiement de 30 minutes dépassé"
S = Commande.Statut
ALLOWED: dict[str, set[str]] = {
    "": {S.EN_ATTENTE_PAIEMENT},
    S.EN_ATTENTE_PAIEMENT: {S.PAYEE, S.ANNULEE, S.REMBOURSEE},
    S.PAYEE: {S.ACTIVE, S.REMBOURSEE},
    S.ACTIVE: {S.EXPIREE, S.REMBOURSEE},
    S.EXPIREE: {S.REMBOURSEE},
    S.ANNULEE: {S.PAYEE, S.REMBOURSEE},  # a payment that lands after its hold lapsed
    S.REMBOURSEE: set(),
}


class CommandeConflict(ApplicationError):
    status_code = 409


class CommandeForbidden(ApplicationError):
    status_code = 403


class CommandeNotFound(ApplicationError):
    status_code = 404


class PaymentUnavailable(ApplicationError):
    status_code = 502


# -- helpers ----------------------------------------------------------------------------------
def add_months(when: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it has fewer days)."""
    index = when.month - 1 + months
    year, month = when.year + index // 12, index % 12 + 1
    return when.replace(
        year=year, month=month, day=min(when.day, calendar.monthrange(year, month)[1])
    )


def transition(
    commande: Commande, *, to: str, by: Any, why: str, event: str = "", fields: tuple = ()
) -> None:
    """`commande` (locked by the caller) moved to `to`, with its audit row."""
    if to not in ALLOWED[commande.statut]:
        raise CommandeConflict(
            f"La commande {commande.pk} est « {commande.get_statut_display()} » : elle ne peut "
            f"pas passer à « {S(to).label} ».",
            {"statut": commande.statut},
        )
    before = commande.statut
    commande.statut = to
    commande.save(update_fields=["statut", "updated_at", *fields])
    CommandeTransition.objects.create(
        commande=commande, de=before, vers=to, par=by, motif=why[:500], evenement=event
    )


def locked(commande_id: int) -> Commande:
    return (
        Commande.objects.select_for_update(of=("self",))
        .select_related("prolocalisation__entreprise", "sponsorisation")
        .defer("prolocalisation__entreprise__search_vector")
        .get(pk=commande_id)
    )


def lock_market(*, sous_categorie_id: int, ville_id: int) -> Marche:
    """The market's row, created when missing, locked until the transaction ends: whoever
    counts its slots next waits for this transaction's order to be visible."""
    Marche.objects.bulk_create(
        [Marche(sous_categorie_id=sous_categorie_id, ville_id=ville_id)], ignore_conflicts=True
    )
    return Marche.objects.select_for_update().get(
        sous_categorie_id=sous_categorie_id, ville_id=ville_id
    )


def after_commit(commande: Commande, *, event: str | None = None, email: str | None = None):
    """After commit: the e-mail `email` (jobs.EMAILS) from a task, the real-time `event` to the
    owner of the entreprise and to the staff."""
    payload = payload_of(commande, event) if event else None
    owner_id = commande.prolocalisation.entreprise.owner_id or commande.client_id
    if email:
        transaction.on_commit(lambda: commande_email.delay(commande.pk, email), robust=True)
    if payload:
        transaction.on_commit(lambda: announce(payload, owner_id))


def payload_of(commande: Commande, event: str) -> dict[str, Any]:
    sponsorisation = commande.sponsorisation
    return {
        "event": event,
        "commande": commande.pk,
        "statut": commande.statut,
        "prolocalisation": commande.prolocalisation_id,
        "entreprise": commande.prolocalisation.entreprise.nom,
        "duree_mois": commande.duree_mois,
        "montant_ttc_centimes": commande.montant_ttc_centimes,
        "date_fin": sponsorisation.date_fin.isoformat() if sponsorisation else None,
    }


def announce(payload: dict[str, Any], user_id: int) -> None:
    try:
        notify(payload=payload, user_id=user_id, admins=True)
    except Exception as exc:  # a notification lost must not fail the order it reports
        logger.warning("order notification not sent", kind=payload["event"], error=str(exc))


# -- placing an order -------------------------------------------------------------------------
@transaction.atomic(durable=True)
def commande_create(
    *, user: Any, prolocalisation_id: int, duree_mois: int, now: datetime | None = None
) -> Commande:
    """An order of `duree_mois` of sponsorship for a pro-localisation that `user` owns,
    holding one of its market's slots for 30 minutes while it is paid. The market's row lock
    makes two orders for the last slot take turns: the second finds it taken (409)."""
    now = now or timezone.now()
    proloc = (
        ProLocalisation.objects.select_related("entreprise", "sous_categorie", "ville")
        .defer("entreprise__search_vector")
        .filter(pk=prolocalisation_id, is_active=True)
        .first()
    )
    if proloc is None:
        raise CommandeNotFound(
            f"Aucune pro-localisation active avec l'identifiant {prolocalisation_id}."
        )
    if user.pk is None or proloc.entreprise.owner_id != user.pk:
        raise CommandeForbidden(
            "Seul le propriétaire de l'entreprise peut commander sa sponsorisation."
        )
    if duree_mois not in DUREES_MOIS:
        raise ApplicationError(
            f"Durée invalide : {', '.join(map(str, DUREES_MOIS))} mois.", {"field": "duree_mois"}
        )
    tarif = tarifs_for(proloc).filter(duree_mois=duree_mois).first()
    if tarif is None:
        raise CommandeConflict("Aucun tarif n'est défini pour cette catégorie et cette ville.")
    lapsed = Commande.objects.filter(
        prolocalisation=proloc, statut=S.EN_ATTENTE_PAIEMENT, reservee_jusqua__lte=now
    ).values_list("pk", flat=True)
    for commande_id in list(lapsed):  # its own earlier order, unpaid in time: cancelled now
        # (locked before the market, as the webhook locks an order then its market: no deadlock)
        if locked(commande_id).statut == S.EN_ATTENTE_PAIEMENT:  # not paid meanwhile
            commande_cancel(commande_id=commande_id, by=None, why=HOLD_LAPSED)
    marche = lock_market(sous_categorie_id=proloc.sous_categorie_id, ville_id=proloc.ville_id)
    occupants = market_occupants(
        sous_categorie_id=proloc.sous_categorie_id, ville_id=proloc.ville_id, now=now
    )
    if proloc.pk in occupants:
        raise CommandeConflict(
            "Cette pro-localisation est déjà sponsorisée ou a une commande en attente de paiement.",
            {"reason": "deja_sponsorisee"},
        )
    if len(occupants) >= SLOTS_PER_MARKET:
        ends = [end for end in occupants.values() if end is not None]
        frees = min(ends) if ends else None
        raise CommandeConflict(
            f"Les {SLOTS_PER_MARKET} places sponsorisées de cette catégorie dans cette ville "
            "sont prises"
            + (
                f" ; la prochaine se libère le {timezone.localtime(frees):%d/%m/%Y à %H:%M}."
                if frees
                else "."
            ),
            {"reason": "complet", "prochaine_place_libre": frees.isoformat() if frees else None},
        )
    prix = prix_of(tarif)
    commande = Commande.objects.create(
        prolocalisation=proloc,
        marche=marche,
        client=user,
        statut="",
        duree_mois=duree_mois,
        montant_ht_centimes=prix.ht,
        tva_centimes=prix.tva,
        montant_ttc_centimes=prix.ttc,
        reservee_jusqua=now + HOLD,
        fournisseur=payment_provider().name,
    )
    transition(commande, to=S.EN_ATTENTE_PAIEMENT, by=user, why="Commande passée")
    return commande


def commande_place(*, user: Any, prolocalisation_id: int, duree_mois: int) -> Commande:
    """An order and its payment session (created outside the order's transaction: the
    provider is a remote call). A session that cannot be created cancels the order."""
    commande = commande_create(
        user=user, prolocalisation_id=prolocalisation_id, duree_mois=duree_mois
    )
    proloc = commande.prolocalisation
    description = (
        f"Sponsorisation {commande.duree_mois} mois — {proloc.entreprise.nom} — "
        f"{proloc.sous_categorie.visitor_name} à {proloc.ville.nom}"
    )
    try:
        session = payment_provider().checkout_create(commande=commande, description=description)
    except stripe.StripeError as exc:
        logger.warning("payment session not created", commande=commande.pk, error=str(exc))
        commande_cancel(commande_id=commande.pk, by=None, why="Paiement impossible à préparer")
        raise PaymentUnavailable(
            "Le paiement n'a pas pu être préparé ; la commande est annulée. Réessayez plus tard."
        ) from exc
    Commande.objects.filter(pk=commande.pk).update(
        session_paiement=session.id, url_paiement=session.url, updated_at=timezone.now()
    )
    commande.session_paiement, commande.url_paiement = session.id, session.url
    after_commit(commande, email="confirmation")  # with its payment link
    return commande


# -- transitions ------------------------------------------------------------------------------
@transaction.atomic
def commande_pay(
    *, commande_id: int, by: Any = None, why: str, event: str = "", reference: str = "",
    now: datetime | None = None,
) -> Commande:  # fmt: skip
    """Paid. An order whose hold lapsed (annulée by the sweep or not yet) is taken back only
    while its market has a free slot for it; else CommandeConflict (to be refunded)."""
    now = now or timezone.now()
    commande = locked(commande_id)
    if commande.statut == S.ANNULEE or commande.reservee_jusqua <= now:
        market = {
            "sous_categorie_id": commande.marche.sous_categorie_id,
            "ville_id": commande.marche.ville_id,
        }
        lock_market(**market)
        occupants = market_occupants(**market, now=now)
        # a lapsed hold holds nothing: the order itself is never among the occupants
        if commande.prolocalisation_id in occupants or len(occupants) >= SLOTS_PER_MARKET:
            raise CommandeConflict(
                "Payée après l'expiration de sa réservation, et sa place est reprise.",
                {"reason": "complet"},
            )
    commande.payee_le = now
    commande.paiement_reference = reference[:255]
    transition(
        commande, to=S.PAYEE, by=by, why=why, event=event, fields=("payee_le", "paiement_reference")
    )
    after_commit(commande, event="order.paid", email="recu")
    return commande


@transaction.atomic
def commande_activate(
    *, commande_id: int, by: Any = None, why: str = "Paiement reçu", event: str = "",
    now: datetime | None = None,
) -> Commande:  # fmt: skip
    """Active: its Sponsorisation runs from now for the months bought (the listing shows the
    pro-localisation first from now on)."""
    now = now or timezone.now()
    commande = locked(commande_id)
    commande.sponsorisation = Sponsorisation.objects.create(
        prolocalisation_id=commande.prolocalisation_id,
        date_debut=now,
        date_fin=add_months(now, commande.duree_mois),
        montant=Decimal(commande.montant_ht_centimes) / 100,
        is_active=True,
    )
    transition(commande, to=S.ACTIVE, by=by, why=why, event=event, fields=("sponsorisation",))
    return commande


@transaction.atomic
def commande_cancel(*, commande_id: int, by: Any, why: str, event: str = "") -> Commande:
    """Cancelled before payment: its slot is free again."""
    commande = locked(commande_id)
    transition(commande, to=S.ANNULEE, by=by, why=why, event=event)
    after_commit(commande, event="order.cancelled")
    return commande


@transaction.atomic
def commande_refund(
    *, commande_id: int, by: Any, why: str, event: str = "", now: datetime | None = None
) -> Commande:
    """Refunded: its sponsorisation, if any, stops now."""
    now = now or timezone.now()
    commande = locked(commande_id)
    transition(commande, to=S.REMBOURSEE, by=by, why=why, event=event)
    stop(commande.sponsorisation, now=now)
    after_commit(commande, event="order.refunded")
    return commande


@transaction.atomic
def commande_expire(*, commande_id: int, now: datetime | None = None) -> Commande:
    """Its sponsorisation has ended: expired (and the sponsorisation inactive, whichever of
    this and the sponsorisations' sweep runs first)."""
    now = now or timezone.now()
    commande = locked(commande_id)
    transition(commande, to=S.EXPIREE, by=None, why="Fin de la période sponsorisée")
    stop(commande.sponsorisation, now=now)
    after_commit(commande, event="sponsorship.expired", email="expiree")
    return commande


def stop(sponsorisation: Sponsorisation | None, *, now: datetime) -> None:
    if sponsorisation is not None and sponsorisation.is_active:
        Sponsorisation.objects.filter(pk=sponsorisation.pk).update(is_active=False, updated_at=now)
        sponsorisation.is_active = False


def commande_refund_request(*, commande_id: int, by: Any) -> None:
    """Staff ask the provider to refund a paid order; its webhook event refunds it here."""
    commande = Commande.objects.select_related("client").get(pk=commande_id)
    if commande.statut not in (S.PAYEE, S.ACTIVE, S.EXPIREE):
        raise CommandeConflict("Seule une commande payée peut être remboursée.")
    payment_provider().refund(commande=commande)
    logger.info("refund requested", commande=commande.pk, by=getattr(by, "pk", None))
