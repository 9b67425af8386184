"""Writes on descriptions: generate a draft (provider, then the fact check), approve it (it is
published on the pro-localisation), edit, reject, and the daily batch's choice of pros."""

from __future__ import annotations

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from foxreviews.core.exceptions import ApplicationError
from foxreviews.core.quota import parse_rate
from foxreviews.enterprise.models import ProLocalisation

from .checker import check
from .facts import Faits
from .french import count_words
from .models import DescriptionGeneree
from .providers import Provider, provider_from_settings
from .selectors import (
    approved_maybe_stale,
    faits_of,
    known_places,
    prolocalisations_without_description,
)
from .writer import MAX_WORDS, MIN_WORDS

logger = structlog.get_logger(__name__)
Statut = DescriptionGeneree.Statut
AI_SOURCES = (ProLocalisation.DescriptionSource.NONE, ProLocalisation.DescriptionSource.AI)


def description_findings(*, texte: str, faits: Faits) -> list[str]:
    """The fact check's findings, and the length's when it is off."""
    findings = check(texte, faits, places=lambda names: known_places(names=names))
    words = count_words(texte)
    if not MIN_WORDS <= words <= MAX_WORDS:
        findings.append(f"Longueur : {words} mots (attendu : {MIN_WORDS} à {MAX_WORDS}).")
    return findings


def description_generate(
    *, prolocalisation_id: int, provider: Provider | None = None
) -> DescriptionGeneree | None:
    """A new draft for the pro-localisation (a draft waiting is superseded by it), with its
    provenance and the check's findings; None when a description written by hand is there."""
    provider = provider or provider_from_settings()
    faits = faits_of(prolocalisation_id=prolocalisation_id)
    texte = provider.write(faits)  # outside any transaction: it may wait for the API
    findings = description_findings(texte=texte, faits=faits)
    with transaction.atomic():
        proloc = ProLocalisation.objects.select_for_update().get(pk=prolocalisation_id)
        if proloc.description and proloc.description_source not in AI_SOURCES:
            return None
        DescriptionGeneree.objects.filter(
            prolocalisation_id=prolocalisation_id, statut=Statut.DRAFT
        ).update(statut=Statut.SUPERSEDED, updated_at=timezone.now())
        draft = DescriptionGeneree.objects.create(
            prolocalisation_id=prolocalisation_id,
            texte=texte,
            fournisseur=provider.name,
            modele=provider.model,
            version_prompt=provider.prompt_version,
            faits=faits.as_dict(),
            empreinte_faits=faits.empreinte,
            verification_ok=not findings,
            constats=findings,
        )
    logger.info(
        "description generated",
        prolocalisation_id=prolocalisation_id,
        provider=provider.name,
        findings=len(findings),
    )
    return draft


def _locked_draft(description_id: int) -> DescriptionGeneree:
    draft = DescriptionGeneree.objects.select_for_update().get(pk=description_id)
    if draft.statut != Statut.DRAFT:
        raise ApplicationError(
            "Cette description n'est plus un brouillon.",
            extra={"statut": draft.statut},
        )
    return draft


def description_edit(*, description_id: int, texte: str) -> DescriptionGeneree:
    """Staff's text in place of the draft's, checked again against the same facts."""
    texte = " ".join(texte.split())
    with transaction.atomic():
        draft = _locked_draft(description_id)
        if texte == draft.texte:
            return draft
        findings = description_findings(texte=texte, faits=Faits.from_dict(draft.faits))
        draft.texte, draft.texte_modifie = texte, True
        draft.constats, draft.verification_ok = findings, not findings
        draft.save(update_fields=["texte", "texte_modifie", "constats", "verification_ok",
                                  "updated_at"])  # fmt: skip
    return draft


def description_approve(
    *, description_id: int, user, texte: str | None = None
) -> DescriptionGeneree:
    """Publish a checked draft (edited first when `texte` is given) on its pro-localisation;
    the description published before it is superseded. A draft with findings is refused."""
    if texte is not None:
        description_edit(description_id=description_id, texte=texte)
    now = timezone.now()
    with transaction.atomic():
        draft = _locked_draft(description_id)
        if not draft.verification_ok:
            raise ApplicationError(
                "Cette description cite des faits absents des données : corrigez-la ou "
                "régénérez-la.",
                extra={"constats": draft.constats},
            )
        proloc = ProLocalisation.objects.select_for_update().get(pk=draft.prolocalisation_id)
        if proloc.description and proloc.description_source not in AI_SOURCES:
            raise ApplicationError(
                "Cette fiche a une description saisie à la main : elle n'est pas remplacée.",
                extra={"prolocalisation": proloc.pk},
            )
        DescriptionGeneree.objects.filter(
            prolocalisation_id=proloc.pk, statut=Statut.APPROVED
        ).update(statut=Statut.SUPERSEDED, updated_at=now)
        draft.statut, draft.revue_par, draft.revue_le = Statut.APPROVED, user, now
        # the facts are those of the draft's writing: a change since is found by the batch
        draft.faits_vus_le = draft.created_at
        draft.save(update_fields=["statut", "revue_par", "revue_le", "faits_vus_le", "updated_at"])
        ProLocalisation.objects.filter(pk=proloc.pk).update(
            description=draft.texte,
            description_source=ProLocalisation.DescriptionSource.AI,
            updated_at=now,
        )
    return draft


def description_reject(*, description_id: int, user) -> DescriptionGeneree:
    with transaction.atomic():
        draft = _locked_draft(description_id)
        draft.statut, draft.revue_par, draft.revue_le = Statut.REJECTED, user, timezone.now()
        draft.save(update_fields=["statut", "revue_par", "revue_le", "updated_at"])
    return draft


def batch_size() -> int:
    """As many descriptions as AI_RATE allows in AI_BATCH_MINUTES."""
    quota = parse_rate(settings.AI_RATE, setting="AI_RATE")
    windows = settings.AI_BATCH_MINUTES * 60 / quota.get_expiry()
    return max(1, int(quota.amount * windows))


def batch_spacing() -> float:
    """Seconds between two of the batch's tasks, so that they never wait for the quota."""
    quota = parse_rate(settings.AI_RATE, setting="AI_RATE")
    return quota.get_expiry() / quota.amount


def descriptions_to_write(*, size: int) -> list[int]:
    """The batch's pro-localisations: first those whose published AI description was written
    from facts that changed since, then those without a description; at most `size`."""
    chosen: list[int] = []
    now = timezone.now()
    for approved in approved_maybe_stale(limit=size * 4):
        if len(chosen) >= size:
            break
        faits = faits_of(prolocalisation_id=approved.prolocalisation_id)
        if faits.empreinte != approved.empreinte_faits:
            chosen.append(approved.prolocalisation_id)
        else:  # unchanged: not read again until the pro-localisation is written to
            DescriptionGeneree.objects.filter(pk=approved.pk).update(faits_vus_le=now)
    if len(chosen) < size:
        chosen += prolocalisations_without_description(limit=size - len(chosen))
    return chosen
