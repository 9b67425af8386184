"""Keyset pagination for entreprises, by creation date (default) or by name."""

from foxreviews.core.pagination import KeysetPagination


class EntrepriseCursorPagination(KeysetPagination):
    # each served by an index: entreprise_created_id_idx (created_at, id), entreprise_nom_id_idx
    orderings = {
        "-created": ("-created_at", "-id"),
        "created": ("created_at", "id"),
        "nom": ("nom", "id"),
    }
    default_ordering = "-created"
