"""Keyset pagination of a search's results, by rank, and of a pro-localisation listing."""

from django.db.models import BooleanField, DecimalField, FloatField, IntegerField

from foxreviews.core.pagination import KeysetPagination

_TEXT = {"type": "string"}
_PLACE_REF = {
    "kind": {"type": "string", "enum": ["ville", "arrondissement", "code_postal", "departement"]},
    "code": _TEXT,
    "name": _TEXT,
}
UNDERSTOOD_SCHEMA = {
    "type": "object",
    "description": "Comment q a été lu : le métier, le lieu et les mots cherchés dans le nom.",
    "required": ["trade", "place", "words"],
    "properties": {
        "trade": {
            "type": "object",
            "nullable": True,
            "required": ["slug", "name", "sous_categories"],
            "properties": {
                "slug": {**_TEXT, "description": "La sous-catégorie qui nomme le métier."},
                "name": {**_TEXT, "description": "Son nom pour les visiteurs."},
                "sous_categories": {"type": "array", "items": _TEXT},
            },
        },
        "place": {
            "type": "object",
            "nullable": True,
            "required": [*_PLACE_REF, "departement", "ambiguous", "alternatives"],
            "properties": {
                **_PLACE_REF,
                "departement": {**_TEXT, "description": "Code du département du lieu."},
                "ambiguous": {
                    "type": "boolean",
                    "description": "D'autres lieux portent ce nom : le plus peuplé est retenu.",
                },
                "alternatives": {
                    "type": "array",
                    "items": {"type": "object", "required": list(_PLACE_REF),
                              "properties": _PLACE_REF},
                },
            },
        },
        "words": {"type": "array", "items": _TEXT, "description": "Les mots du nom cherchés."},
    },
}  # fmt: skip


class SearchCursorPagination(KeysetPagination):
    # the rank keys entreprise_search() annotates: the exact name first, then open ones, then
    # the name's relevance, then as the listing: sponsored now, then the best rated
    orderings = {
        "pertinence": ("-exact", "-active", "-score", "-sponsored", "-rating", "-id"),
    }
    default_ordering = "pertinence"
    annotation_fields = {
        "exact": BooleanField(),
        "active": BooleanField(),
        "score": FloatField(),
        "sponsored": BooleanField(),
        "rating": DecimalField(max_digits=3, decimal_places=2),
    }
    page_size = 10
    max_page_size = 50

    def get_paginated_response_schema(self, schema: dict) -> dict:
        """The page, and how the query was read (UnderstoodSerializer, added by the view)."""
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"]["understood"] = UNDERSTOOD_SCHEMA
        paginated["properties"]["mode"] = {
            "type": "string",
            "enum": ["lexical", "semantic", "hybrid"],
            "description": "Le classement appliqué (mode demandé, ou celui par défaut).",
        }
        paginated["required"] = [*paginated["required"], "understood", "mode"]
        return paginated


class ListingCursorPagination(KeysetPagination):
    # the keys prolocalisation_listing() annotates: sponsored now first, then the best rated
    orderings = {"pertinence": ("-sponsored", "-rating", "-nombre_avis", "-id")}
    default_ordering = "pertinence"
    annotation_fields = {
        "sponsored": BooleanField(),
        "rating": DecimalField(max_digits=3, decimal_places=2),
        "nombre_avis": IntegerField(),
    }
