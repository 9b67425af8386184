"""Keyset pagination of a search's results, by rank, and of a pro-localisation listing."""

from django.db.models import BooleanField, DecimalField, FloatField, IntegerField

from foxreviews.core.pagination import KeysetPagination


class SearchCursorPagination(KeysetPagination):
    # the rank keys entreprise_search() annotates: the exact name first, then open ones
    orderings = {"pertinence": ("-exact", "-active", "-score", "-id")}
    default_ordering = "pertinence"
    annotation_fields = {"exact": BooleanField(), "active": BooleanField(), "score": FloatField()}
    page_size = 10
    max_page_size = 50


class ListingCursorPagination(KeysetPagination):
    # the keys prolocalisation_listing() annotates: sponsored now first, then the best rated
    orderings = {"pertinence": ("-sponsored", "-rating", "-nombre_avis", "-id")}
    default_ordering = "pertinence"
    annotation_fields = {
        "sponsored": BooleanField(),
        "rating": DecimalField(max_digits=3, decimal_places=2),
        "nombre_avis": IntegerField(),
    }
