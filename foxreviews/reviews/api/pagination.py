"""Keyset pages of avis, each ordering served by a partial index of reviews.models."""

from foxreviews.core.pagination import KeysetPagination


class PublicAvisPagination(KeysetPagination):
    orderings = {"-publication": ("-publie_le", "-id")}  # avis_public_idx
    default_ordering = "-publication"


class OwnAvisPagination(KeysetPagination):
    orderings = {"-created": ("-created_at", "-id")}  # avis_auteur_idx


class ModerationPagination(KeysetPagination):
    orderings = {"created": ("created_at", "id")}  # oldest first: avis_en_attente_idx, _signale_
    default_ordering = "created"
