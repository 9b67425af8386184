"""Reads on the geography."""

from __future__ import annotations

from django.db.models import F, QuerySet

from foxreviews.core.text import normalize_search

from .models import CodePostal, Ville

AUTOCOMPLETE_MIN_LENGTH = 2
AUTOCOMPLETE_LIMIT = 10


def ville_list() -> QuerySet[Ville]:
    return Ville.objects.select_related("departement")


def ville_autocomplete(*, q: str, limit: int = AUTOCOMPLETE_LIMIT) -> QuerySet[Ville]:
    """Villes whose name (accent- and case-insensitive) or a code postal starts with `q`,
    bigger communes first."""
    q = q.strip()
    if q.isdigit():
        villes = Ville.objects.filter(
            id__in=CodePostal.objects.filter(code__startswith=q).values("ville_id")
        )
    else:
        villes = Ville.objects.filter(nom_recherche__startswith=normalize_search(q))
    return villes.select_related("departement").order_by(
        F("population").desc(nulls_last=True), "nom", "id"
    )[:limit]
