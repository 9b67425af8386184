"""The API's filter backend: django-filter's, without its cost when no filter is asked.

django-filter builds a FilterSet and a bound form (a deep copy of every field) on each request;
for a list read without any of its parameters, the answer is the queryset as it is, and that
work was a tenth of a page's time (profiled on /api/entreprises/ at 4M rows).
"""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        if not self.requested(request, view, queryset):
            return queryset
        return super().filter_queryset(request, queryset, view)

    def requested(self, request, view, queryset=None) -> bool:
        """Whether the request names any of the view's filters (a range's `_min`/`_max` too)."""
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return False
        return any(name in request.query_params for name in parameters(filterset_class))


def parameters(filterset_class) -> frozenset[str]:
    """The query parameters a FilterSet reads: a filter's name, or its name and each suffix of
    a multi-value widget (`created_after`, `created_before`). Kept on the class (django-filter
    makes a class per request for `filterset_fields`: a cache elsewhere would grow)."""
    names = filterset_class.__dict__.get("_query_parameters")
    if names is None:
        found = set()
        for name, filter_ in filterset_class.base_filters.items():
            suffixes = getattr(filter_.field.widget, "suffixes", None)
            if suffixes:
                found.update(f"{name}_{suffix}" if suffix else name for suffix in suffixes)
            else:
                found.add(name)
        names = frozenset(found)
        filterset_class._query_parameters = names
    return names
