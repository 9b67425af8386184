"""Writes on claims: one service per transition (created → en_attente → approuvee | refusee),
each in one transaction with its audit row; its e-mail and real-time event after commit."""

from __future__ import annotations

from typing import Literal, TypedDict

import structlog
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from foxreviews.core.exceptions import ApplicationError
from foxreviews.enterprise.models import Entreprise
from foxreviews.enterprise.validators import siret_error
from foxreviews.realtime.services import notify_admins, notify_user
from foxreviews.reviews.services import avis_of_new_owner_flag
from foxreviews.users.models import User

from .documents import document_check, document_delete, document_store
from .models import Revendication, RevendicationTransition
from .tasks import revendication_decision_email

logger = structlog.get_logger(__name__)


class Conflict(ApplicationError):
    status_code = 409


class RevendicationEvent(TypedDict):
    """What the websockets carry: `revendication.pending` to staff when a claim arrives,
    `revendication.decided` to its claimant."""

    event: Literal["revendication.pending", "revendication.decided"]
    revendication: int
    siret: str
    siren: str
    statut: str
    motif: str  # a refusal's reason, else ""


def revendication_create(*, demandeur: User, siret: str, document: UploadedFile) -> Revendication:
    """A claim on the entreprise of `siret` (its whole SIREN), queued for staff (en_attente)."""
    siret = "".join(siret.split())
    reason = siret_error(siret)
    if reason:
        raise ApplicationError(f"SIRET invalide : {reason}.", {"fields": {"siret": [reason]}})
    if not Entreprise.objects.filter(siret=siret).exists():
        raise ApplicationError(
            f"Aucun établissement avec le SIRET {siret} dans l'annuaire.",
            {"fields": {"siret": ["inconnu"]}},
        )
    siren = siret[:9]
    if Entreprise.objects.filter(siren=siren, owner=demandeur).exists():
        raise Conflict(f"Vous êtes déjà propriétaire de l'entreprise {siren}.")
    checked = document_check(document)
    file_name = document_store(document, checked)
    try:
        with transaction.atomic():
            claim = Revendication.objects.create(
                demandeur=demandeur,
                siret=siret,
                siren=siren,
                document_fichier=file_name,
                document_type=checked.mime,
                document_taille=checked.size,
                document_nom=checked.name,
            )
            _audit(claim, par=demandeur, de="", motif="")
    except IntegrityError:
        document_delete(file_name)
        pending = revendications_pending_id(demandeur=demandeur, siren=siren)
        if pending is None:  # not the one-pending-claim rule: nothing to explain
            raise
        raise Conflict(
            f"Vous avez déjà une revendication en attente pour l'entreprise {siren} (n°{pending}).",
            {"revendication": pending},
        ) from None
    except BaseException:
        document_delete(file_name)
        raise
    transaction.on_commit(lambda: _announce_pending(claim), robust=True)
    return claim


def revendications_pending_id(*, demandeur: User, siren: str) -> int | None:
    return (
        Revendication.objects.filter(
            demandeur=demandeur, siren=siren, statut=Revendication.Statut.EN_ATTENTE
        )
        .values_list("pk", flat=True)
        .first()
    )


@transaction.atomic
def revendication_approve(*, revendication_id: int, par: User) -> Revendication:
    """The claimant becomes a pro and the owner of every établissement of the SIREN (one
    UPDATE). Only one account owns a SIREN: when another does, a Conflict (409) and nothing
    changes; two approvals racing are ordered by the unique index on approved claims."""
    claim = _pending_for_update(revendication_id)
    owners = (
        Entreprise.objects.filter(siren=claim.siren, owner__isnull=False)
        .exclude(owner=claim.demandeur_id)
        .values_list("owner_id", flat=True)
        .first()
    )
    if owners is not None:
        raise _already_owned(claim)
    claim.statut = Revendication.Statut.APPROUVEE
    claim.decide_par, claim.decide_le = par, timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the unique index may refuse
            claim.save(update_fields=["statut", "decide_par", "decide_le", "updated_at"])
    except IntegrityError:
        raise _already_owned(claim) from None
    Entreprise.objects.filter(siren=claim.siren).update(
        owner=claim.demandeur_id, updated_at=timezone.now()
    )
    User.objects.filter(pk=claim.demandeur_id).exclude(role=User.Role.ADMIN).update(
        role=User.Role.PRO
    )
    avis_of_new_owner_flag(owner=claim.demandeur, siren=claim.siren)
    _audit(claim, par=par, de=Revendication.Statut.EN_ATTENTE, motif="")
    _after_decision(claim)
    return claim


@transaction.atomic
def revendication_refuse(*, revendication_id: int, par: User, motif: str) -> Revendication:
    """Refused with a reason, which the claimant receives by e-mail."""
    motif = motif.strip()
    if not motif:
        raise ApplicationError(
            "Un refus doit être motivé : le motif est envoyé au demandeur.",
            {"fields": {"motif": ["obligatoire pour un refus"]}},
        )
    claim = _pending_for_update(revendication_id)
    claim.statut = Revendication.Statut.REFUSEE
    claim.motif_refus = motif
    claim.decide_par, claim.decide_le = par, timezone.now()
    claim.save(update_fields=["statut", "motif_refus", "decide_par", "decide_le", "updated_at"])
    _audit(claim, par=par, de=Revendication.Statut.EN_ATTENTE, motif=motif)
    _after_decision(claim)
    return claim


def _pending_for_update(revendication_id: int) -> Revendication:
    claim = (
        Revendication.objects.select_for_update()
        .select_related("demandeur")
        .filter(pk=revendication_id)
        .first()
    )
    if claim is None:
        raise ApplicationError(f"Aucune revendication n°{revendication_id}.")
    if claim.statut != Revendication.Statut.EN_ATTENTE:
        raise Conflict(
            f"La revendication n°{claim.pk} est déjà décidée ({claim.get_statut_display()}).",
            {"statut": claim.statut},
        )
    return claim


def _already_owned(claim: Revendication) -> Conflict:
    return Conflict(
        f"L'entreprise {claim.siren} appartient déjà à un autre compte : refusez cette "
        "revendication, ou retirez d'abord la propriété actuelle.",
        {"siren": claim.siren},
    )


def _audit(claim: Revendication, *, par: User | None, de: str, motif: str) -> None:
    RevendicationTransition.objects.create(
        revendication=claim, par=par, de=de, vers=claim.statut, motif=motif
    )


def _after_decision(claim: Revendication) -> None:
    claim_id, user_id, payload = (
        claim.pk,
        claim.demandeur_id,
        _payload(claim, "revendication.decided"),
    )
    transaction.on_commit(lambda: revendication_decision_email.delay(claim_id), robust=True)
    transaction.on_commit(
        lambda: _notify(notify_user, user_id=user_id, payload=payload), robust=True
    )


def _announce_pending(claim: Revendication) -> None:
    _notify(notify_admins, payload=_payload(claim, "revendication.pending"))


def _payload(claim: Revendication, event: str) -> RevendicationEvent:
    return RevendicationEvent(
        event=event,
        revendication=claim.pk,
        siret=claim.siret,
        siren=claim.siren,
        statut=claim.statut,
        motif=claim.motif_refus,
    )


def _notify(send, **kwargs) -> None:
    try:
        send(**kwargs)
    except Exception as exc:  # a lost notification must not undo or fail a decision
        logger.warning("claim notification not sent", error=str(exc)[:200])
