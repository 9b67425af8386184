"""Reads on entreprises."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Entreprise, ProLocalisation


def entreprise_list() -> QuerySet[Entreprise]:
    return Entreprise.objects.select_related("ville").defer("search_vector")


def entreprise_detail(*, siret: str) -> Entreprise | None:
    prolocs = ProLocalisation.objects.select_related("sous_categorie__categorie", "ville")
    return (
        Entreprise.objects.select_related("ville")
        .defer("search_vector")
        .prefetch_related(Prefetch("prolocalisations", queryset=prolocs))
        .filter(siret=siret)
        .first()
    )
