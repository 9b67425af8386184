"""django-filter's backend, leaving a list as it is when the request names none of its filters
(no FilterSet and no bound form are built for nothing)."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None or not requested(filterset_class, request.query_params):
            return queryset
        return super().filter_queryset(request, queryset, view)


def requested(filterset_class, params) -> bool:
    """Whether `params` names any filter of the FilterSet: its name, or for a multi-value
    widget its name and a suffix (`created_after`, `created_before`)."""
    for name, filter_ in filterset_class.base_filters.items():
        suffixes = getattr(filter_.field.widget, "suffixes", None) or [""]
        if any((f"{name}_{suffix}" if suffix else name) in params for suffix in suffixes):
            return True
    return False
