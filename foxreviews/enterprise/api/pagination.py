"""Cursor pagination for entreprises, ordered by creation date (default) or by name."""

from rest_framework.exceptions import ValidationError

from foxreviews.core.pagination import CreatedCursorPagination

ORDERINGS = {
    "-created": ("-created_at", "-id"),
    "created": ("created_at", "id"),
    "nom": ("nom", "id"),
}


class EntrepriseCursorPagination(CreatedCursorPagination):
    def get_ordering(self, request, queryset, view):
        key = request.query_params.get("ordering", "-created")
        if key not in ORDERINGS:
            raise ValidationError({"ordering": [f"Valeurs possibles : {', '.join(ORDERINGS)}."]})
        return ORDERINGS[key]
