"""Reads on the geography."""

from __future__ import annotations

from django.db.models import F, QuerySet

from foxreviews.core.text import normalize_search

from .models import CodePostal, Ville

AUTOCOMPLETE_MIN_LENGTH = 2
AUTOCOMPLETE_LIMIT = 10


def ville_list() -> QuerySet[Ville]:
    return Ville.objects.select_related("departement")


# what the autocomplete answers for each ville (VilleAutocompleteSerializer documents it)
AUTOCOMPLETE_FIELDS = (
    "code_insee", "nom", "slug", "codes_postaux", "population", "code_departement",
)  # fmt: skip


def villes_starting_with(villes: QuerySet[Ville], *, q: str) -> QuerySet[Ville]:
    """The villes whose name (accent- and case-insensitive) or a code postal starts with `q`."""
    q = q.strip()
    if q.isdigit():
        return villes.filter(
            id__in=CodePostal.objects.filter(code__startswith=q).values("ville_id")
        )
    return villes.filter(nom_recherche__startswith=normalize_search(q))


def ville_autocomplete(*, q: str, limit: int = AUTOCOMPLETE_LIMIT) -> QuerySet[Ville]:
    """Villes starting with `q`, bigger communes first, as dicts of what the autocomplete
    answers (a commune of the collectivités d'outre-mer has no département: its
    departement__nom is None)."""
    villes = villes_starting_with(Ville.objects.all(), q=q)
    return villes.values(*AUTOCOMPLETE_FIELDS, "departement__nom").order_by(
        F("population").desc(nulls_last=True), "nom", "id"
    )[:limit]
