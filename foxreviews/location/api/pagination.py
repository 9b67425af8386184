"""Keyset pagination of the villes, by name (ville_nom_id_idx)."""

from foxreviews.core.pagination import KeysetPagination


class VilleCursorPagination(KeysetPagination):
    orderings = {"nom": ("nom", "id")}
    default_ordering = "nom"
    page_size = 50
