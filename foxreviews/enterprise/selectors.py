"""Reads on entreprises."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Entreprise, ProLocalisation

# what a list shows (EntrepriseListSerializer) and orders by (the cursor's keys)
LIST_VALUES = (
    "id", "siret", "siren", "nom", "enseigne", "naf_code", "adresse", "code_postal",
    "etat_administratif", "date_creation", "created_at",
    "ville__code_insee", "ville__nom", "ville__slug",
)  # fmt: skip


def entreprise_list() -> QuerySet[Entreprise]:
    """Entreprises as lists show them: one dict per row with the keys of LIST_VALUES (an
    entreprise without a ville has None in its ville__ keys); no model instance is built."""
    return Entreprise.objects.values(*LIST_VALUES)


def entreprise_detail(*, siret: str) -> Entreprise | None:
    prolocs = ProLocalisation.objects.select_related("sous_categorie__categorie", "ville")
    return (
        Entreprise.objects.select_related("ville")
        .defer("search_vector")
        .prefetch_related(Prefetch("prolocalisations", queryset=prolocs))
        .filter(siret=siret)
        .first()
    )
