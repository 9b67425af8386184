"""Writes on avis: posting one, moderating, reports, the owner's answer, and the ratings they make.

Every path that changes what counts (the API, the admin's bulk actions) goes through these
functions; events and e-mails leave after the commit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import structlog
from allauth.account.models import EmailAddress
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.mail import send_email_on_commit
from foxreviews.enterprise.models import ProLocalisation
from foxreviews.realtime.services import notify_admins, notify_user
from foxreviews.users.models import User

from .heuristics import history_alerts, text_alerts, text_fingerprint
from .models import Alerte, Avis, MotifRefus, Reponse, Signalement

logger = structlog.get_logger(__name__)

EXPERIENCE_MAX_AGE_DAYS = 365  # an avis tells of an experience of the last 12 months
TEXTE_MIN, TEXTE_MAX = 20, 2000
REPONSE_MIN, REPONSE_MAX = 10, 1500
REPONSE_EDIT_HOURS = 24


class Forbidden(ApplicationError):
    status_code = 403


class NotFound(ApplicationError):
    status_code = 404


class Conflict(ApplicationError):
    status_code = 409


def prolocalisation_ratings_refresh(*, prolocalisation_ids: Iterable[int] | None = None) -> int:
    """Recompute note_moyenne and nombre_avis from the public avis (published, not hidden),
    set-based; returns rows changed.

    With no ids, every ProLocalisation that has avis or a stale rating is refreshed.
    """
    ids = list(prolocalisation_ids) if prolocalisation_ids is not None else None
    where = "AND p.id = ANY(%s)" if ids is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH stats AS (
                SELECT p.id,
                       round(avg(a.note) FILTER (WHERE a.statut = 'publie' AND NOT a.masque), 2)
                           AS note,
                       count(a.id) FILTER (WHERE a.statut = 'publie' AND NOT a.masque) AS n
                FROM enterprise_prolocalisation p
                LEFT JOIN reviews_avis a ON a.prolocalisation_id = p.id
                WHERE (p.nombre_avis > 0 OR a.id IS NOT NULL) {where}
                GROUP BY p.id
            )
            UPDATE enterprise_prolocalisation p
            SET note_moyenne = stats.note, nombre_avis = stats.n, updated_at = now()
            FROM stats
            WHERE p.id = stats.id
              AND (p.note_moyenne, p.nombre_avis) IS DISTINCT FROM (stats.note, stats.n)
            """,  # noqa: S608 (`where` is one of two constants; the ids go as a parameter)
            [ids] if ids is not None else [],
        )
        return cursor.rowcount


def _announce(payload_type: str, data: dict[str, Any], *, user_id: int | None = None) -> None:
    """After the commit, to the staff's websockets (or, with user_id, to that account's); a
    lost notification fails nothing. The payload names its event as import.finished's does."""

    def send() -> None:
        payload = {"event": payload_type, "type": payload_type, "data": data}
        try:
            if user_id is None:
                notify_admins(payload=payload)
            else:
                notify_user(user_id=user_id, payload=payload)
        except Exception as exc:
            logger.warning("avis notification not sent", type=payload_type, error=str(exc)[:200])

    transaction.on_commit(send)


def _avis_data(avis: Avis) -> dict[str, Any]:
    return {
        "avis": avis.pk,
        "prolocalisation": avis.prolocalisation_id,
        "note": avis.note,
        "statut": avis.statut,
        "alertes": list(avis.alertes),
    }


# --- posting --------------------------------------------------------------------------------
def _check_date_experience(value: date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ApplicationError(
            "La date de l'expérience ne peut pas être dans le futur.",
            {"fields": {"date_experience": ["Date dans le futur."]}},
        )
    if value < today - timedelta(days=EXPERIENCE_MAX_AGE_DAYS):
        raise ApplicationError(
            "Un avis porte sur une expérience des 12 derniers mois.",
            {"fields": {"date_experience": ["Date de plus de 12 mois."]}},
        )


def avis_create(
    *,
    auteur: User,
    prolocalisation_id: int,
    note: int,
    texte: str,
    date_experience: date,
    titre: str = "",
    adresse_ip: str | None = None,
) -> Avis:
    """A verified account's avis, waiting for moderation; flagged by the heuristics."""
    if not EmailAddress.objects.filter(user_id=auteur.pk, verified=True).exists():
        raise Forbidden(
            "Vérifiez votre adresse e-mail avant de publier un avis.",
            {"reason": "email_not_verified"},
        )
    proloc = (
        ProLocalisation.objects.filter(pk=prolocalisation_id, is_active=True)
        .values("pk", "entreprise__owner_id")
        .first()
    )
    if proloc is None:
        raise NotFound(f"Aucune pro-localisation active avec l'identifiant {prolocalisation_id}.")
    if proloc["entreprise__owner_id"] == auteur.pk:
        raise Forbidden(
            "Vous ne pouvez pas donner votre avis sur une entreprise qui vous appartient.",
            {"reason": "owner"},
        )
    if not 1 <= note <= 5 or not TEXTE_MIN <= len(texte.strip()) <= TEXTE_MAX:
        raise ApplicationError("Une note de 1 à 5 et un texte de 20 à 2 000 caractères.")
    _check_date_experience(date_experience)
    existing = _existing_avis(auteur_id=auteur.pk, prolocalisation_id=prolocalisation_id)
    if existing is not None:
        raise existing
    empreinte = text_fingerprint(texte)
    alertes = text_alerts(titre=titre, texte=texte) + history_alerts(
        empreinte=empreinte, auteur_id=auteur.pk, adresse_ip=adresse_ip
    )
    try:
        with transaction.atomic():
            avis = Avis.objects.create(
                prolocalisation_id=prolocalisation_id,
                auteur=auteur,
                auteur_nom=_shown_name(auteur),
                note=note,
                titre=titre,
                texte=texte,
                date_experience=date_experience,
                verification=Avis.Verification.COMPTE_VERIFIE,
                statut=Avis.Statut.EN_ATTENTE,
                alertes=alertes,
                adresse_ip=adresse_ip,
                empreinte=empreinte,
            )
    except IntegrityError:  # the same account, two requests at once: one wins
        conflict = _existing_avis(auteur_id=auteur.pk, prolocalisation_id=prolocalisation_id)
        if conflict is None:
            raise
        raise conflict from None
    _announce("avis.en_attente", _avis_data(avis))
    return avis


def _shown_name(user: User) -> str:
    """The account's chosen name; else a first name and an initial, never its address."""
    if user.nom_affiche:
        return user.nom_affiche
    if user.first_name:
        return f"{user.first_name} {user.last_name[:1]}." if user.last_name else user.first_name
    return "Membre FoxReviews"


def _existing_avis(*, auteur_id: int, prolocalisation_id: int) -> Conflict | None:
    first = (
        Avis.objects.filter(auteur_id=auteur_id, prolocalisation_id=prolocalisation_id)
        .values_list("pk", flat=True)
        .first()
    )
    if first is None:
        return None
    return Conflict(
        f"Vous avez déjà donné votre avis sur cet établissement (avis n° {first}).",
        {"avis": first},
    )


# --- moderation -----------------------------------------------------------------------------
@transaction.atomic
def avis_moderate(
    *,
    avis_ids: Iterable[int],
    moderateur: User,
    decision: str,
    motif_refus: str = "",
    motif_texte: str = "",
) -> list[Avis]:
    """Approve ('approuver') or refuse ('refuser', with a motif) avis: who and when recorded,
    their reports closed, the ratings of their pro-localisations refreshed in the same
    transaction; each refused author is e-mailed the reason after the commit."""
    if decision not in ("approuver", "refuser"):
        raise ApplicationError("La décision est « approuver » ou « refuser ».")
    motif_texte = motif_texte.strip()
    if decision == "refuser":
        if motif_refus not in MotifRefus.values:
            raise ApplicationError(
                "Un refus a un motif de la liste.", {"motifs": list(MotifRefus.values)}
            )
        if motif_refus == MotifRefus.AUTRE and not motif_texte:
            raise ApplicationError("Le motif « autre » se précise par un texte.")
    else:
        motif_refus = ""
    now = timezone.now()
    avis_list = list(Avis.objects.select_for_update().filter(pk__in=list(avis_ids)).order_by("pk"))
    for avis in avis_list:
        avis.modere_par = moderateur
        avis.modere_le = avis.updated_at = now  # bulk_update does not touch auto_now fields
        avis.masque = False
        avis.signale_le = None
        avis.motif_refus = motif_refus
        avis.motif_moderation = motif_texte[:500]
        if decision == "approuver":
            avis.statut = Avis.Statut.PUBLIE
            avis.publie_le = avis.publie_le or now
        else:
            avis.statut = Avis.Statut.REFUSE
    Avis.objects.bulk_update(
        avis_list,
        ["modere_par", "modere_le", "masque", "signale_le", "motif_refus", "motif_moderation",
         "statut", "publie_le", "updated_at"],
    )  # fmt: skip
    ids = [a.pk for a in avis_list]
    Signalement.objects.filter(avis_id__in=ids, traite_le__isnull=True).update(traite_le=now)
    prolocalisation_ratings_refresh(
        prolocalisation_ids=sorted({a.prolocalisation_id for a in avis_list})
    )
    for avis in avis_list:  # each author learns the decision on their websocket
        if avis.auteur_id:
            data = {"avis": avis.pk, "prolocalisation": avis.prolocalisation_id,
                    "statut": avis.statut, "motif_refus": avis.motif_refus}  # fmt: skip
            _announce(f"avis.{avis.statut}", data, user_id=avis.auteur_id)
    if decision == "refuser":
        for avis in Avis.objects.filter(pk__in=ids, auteur__isnull=False).select_related(
            "auteur", "prolocalisation__entreprise", "prolocalisation__ville"
        ):
            if avis.auteur.email:
                send_email_on_commit(
                    to=avis.auteur.email,
                    template="avis_refuse",
                    context={
                        "avis": _avis_mail(avis),
                        "motif": MotifRefus(motif_refus).label,
                        "precisions": motif_texte,
                    },
                )
    return avis_list


def _avis_mail(avis: Avis) -> dict[str, Any]:
    """What an e-mail says of an avis (plain values: rendered after the commit)."""
    proloc = avis.prolocalisation
    return {
        "id": avis.pk,
        "note": avis.note,
        "titre": avis.titre,
        "texte": avis.texte,
        "auteur_nom": avis.auteur_nom,
        "etablissement": proloc.entreprise.nom,
        "ville": proloc.ville.nom,
        "date": avis.created_at,
    }


# --- reports --------------------------------------------------------------------------------
def signalement_create(*, avis_id: int, auteur: User, motif: str, texte: str = "") -> Signalement:
    """A signed-in visitor reports a public avis: it goes back to the moderation queue with its
    reports; illicit content hides it (and takes it out of the rating) until decided."""
    if motif not in Signalement.Motif.values:
        raise ApplicationError(
            "Un signalement a un motif de la liste.", {"motifs": list(Signalement.Motif.values)}
        )
    texte = texte.strip()
    if motif == Signalement.Motif.AUTRE and not texte:
        raise ApplicationError("Le motif « autre » se précise par un texte.")
    with transaction.atomic():
        avis = (
            Avis.objects.select_for_update()
            .filter(pk=avis_id, statut=Avis.Statut.PUBLIE, masque=False)
            .first()
        )
        if avis is None:
            raise NotFound(f"Aucun avis publié avec l'identifiant {avis_id}.")
        if Signalement.objects.filter(avis=avis, auteur=auteur).exists():
            raise Conflict("Vous avez déjà signalé cet avis.", {"avis": avis.pk})
        signalement = Signalement.objects.create(
            avis=avis, auteur=auteur, motif=motif, texte=texte[:2000]
        )
        avis.signale_le = avis.signale_le or timezone.now()
        fields = ["signale_le", "updated_at"]
        if motif == Signalement.Motif.CONTENU_ILLICITE:
            avis.masque = True
            fields.append("masque")
        avis.save(update_fields=fields)
        if avis.masque:
            prolocalisation_ratings_refresh(prolocalisation_ids=[avis.prolocalisation_id])
        _announce(
            "avis.signale",
            {**_avis_data(avis), "motif": motif, "masque": avis.masque},
        )
    return signalement


def avis_of_new_owner_flag(*, owner: User, siren: str) -> int:
    """An account that becomes the owner of a SIREN (an approved claim) may have reviewed its
    établissements before (a pro does not review its own entreprise): its avis get an alert for
    the moderator, and its published ones go back to the queue (`signale`) for a moderator to
    decide; flagged, never decided. The caller's transaction; the staff's websockets are told
    after the commit. How many were flagged."""
    now = timezone.now()
    flagged = list(
        Avis.objects.select_for_update()
        .filter(
            auteur=owner,
            prolocalisation__entreprise__siren=siren,
            statut__in=[Avis.Statut.PUBLIE, Avis.Statut.EN_ATTENTE],
        )
        .exclude(alertes__contains=[Alerte.AUTEUR_PROPRIETAIRE])
        .order_by("pk")
    )
    for avis in flagged:
        avis.alertes = [*avis.alertes, Alerte.AUTEUR_PROPRIETAIRE]
        if avis.statut == Avis.Statut.PUBLIE:
            avis.signale_le = avis.signale_le or now
            _announce("avis.signale", {**_avis_data(avis), "motif": None, "masque": avis.masque})
        avis.save(update_fields=["alertes", "signale_le", "updated_at"])
    return len(flagged)


# --- the owner's answer ---------------------------------------------------------------------
def reponse_save(*, avis_id: int, auteur: User, texte: str) -> tuple[Reponse, bool]:
    """The owner of the avis's entreprise answers it publicly, once; the answer can be edited
    for REPONSE_EDIT_HOURS. (answer, created); the avis's author is e-mailed the first time."""
    texte = texte.strip()
    if not REPONSE_MIN <= len(texte) <= REPONSE_MAX:
        raise ApplicationError("Une réponse a de 10 à 1 500 caractères.")
    with transaction.atomic():
        avis = (
            Avis.objects.select_for_update(of=("self",))
            .select_related("prolocalisation__entreprise", "prolocalisation__ville", "auteur")
            .filter(pk=avis_id, statut=Avis.Statut.PUBLIE, masque=False)
            .first()
        )
        if avis is None:
            raise NotFound(f"Aucun avis publié avec l'identifiant {avis_id}.")
        if avis.prolocalisation.entreprise.owner_id != auteur.pk:
            raise Forbidden("Seul le propriétaire de l'entreprise répond à ses avis.")
        if avis.auteur_id == auteur.pk:
            raise Forbidden("Vous ne pouvez pas répondre à votre propre avis.")
        reponse = Reponse.objects.filter(avis=avis).first()
        if reponse is None:
            reponse = Reponse.objects.create(avis=avis, auteur=auteur, texte=texte)
            if avis.auteur and avis.auteur.email:
                send_email_on_commit(
                    to=avis.auteur.email,
                    template="avis_reponse",
                    context={"avis": _avis_mail(avis), "reponse": texte},
                )
            return reponse, True
        if timezone.now() - reponse.created_at > timedelta(hours=REPONSE_EDIT_HOURS):
            raise Forbidden("Une réponse ne se modifie que dans les 24 heures qui suivent.")
        reponse.texte = texte
        reponse.save(update_fields=["texte", "updated_at"])
        return reponse, False
