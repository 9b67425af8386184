"""Reads on claims, and on what a pro owns."""

from django.db.models import Count, Prefetch, Q, QuerySet

from foxreviews.enterprise.models import Entreprise, ProLocalisation
from foxreviews.reviews.models import Avis

from .models import Revendication


def revendications_of(*, user) -> QuerySet[Revendication]:
    """An account's own claims, newest first (nobody else's)."""
    return Revendication.objects.filter(demandeur=user).order_by("-created_at", "-id")


def revendications_queue(*, statut: str | None = None) -> QuerySet[Revendication]:
    """Every claim, for staff; the pending ones oldest first."""
    claims = Revendication.objects.select_related("demandeur", "decide_par")
    if statut:
        claims = claims.filter(statut=statut)
    return claims.order_by("created_at", "id")


def entreprises_owned(*, user) -> QuerySet[Entreprise]:
    """The établissements `user` owns, each with its pro-localisations, their ratings and the
    count of avis awaiting moderation: two queries whatever the number of rows."""
    prolocalisations = (
        ProLocalisation.objects.select_related("sous_categorie", "ville")
        .annotate(avis_en_attente=Count("avis", filter=Q(avis__statut=Avis.Statut.EN_ATTENTE)))
        .order_by("id")
    )
    return (
        Entreprise.objects.filter(owner=user)
        .select_related("ville")
        .prefetch_related(Prefetch("prolocalisations", queryset=prolocalisations))
    )
