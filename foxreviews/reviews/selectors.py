"""Reads on avis: a pro-localisation's public avis, an author's own, the moderation queues."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Avis, Signalement


def avis_public_list(*, prolocalisation_id: int) -> QuerySet[Avis]:
    """Published and not hidden, with the owner's answer; pages order them newest first."""
    return (
        Avis.objects.filter(
            prolocalisation_id=prolocalisation_id, statut=Avis.Statut.PUBLIE, masque=False
        )
        .select_related("reponse")
        .only(
            "id",
            "note",
            "titre",
            "texte",
            "auteur_nom",
            "publie_le",
            "date_experience",
            "verification",
            "reponse__texte",
            "reponse__created_at",
            "reponse__updated_at",
        )
    )


def avis_of_author(*, user_id: int) -> QuerySet[Avis]:
    return Avis.objects.filter(auteur_id=user_id).select_related(
        "reponse", "prolocalisation__entreprise"
    )


def avis_moderation_queue(*, statut: str) -> QuerySet[Avis]:
    """'en_attente': the avis waiting for a first decision, oldest first; 'signale': those
    reported since their last decision, with their open reports."""
    queryset = Avis.objects.select_related(
        "prolocalisation__entreprise", "auteur", "reponse"
    ).prefetch_related(
        Prefetch(
            "signalements",
            queryset=Signalement.objects.filter(traite_le__isnull=True).order_by("created_at"),
            to_attr="signalements_ouverts",
        )
    )
    if statut == "signale":
        return queryset.filter(signale_le__isnull=False)
    return queryset.filter(statut=Avis.Statut.EN_ATTENTE)
