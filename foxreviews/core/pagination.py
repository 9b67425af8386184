"""Cursor pagination: constant time at any depth, exact because every ordering ends with id."""

from rest_framework.pagination import CursorPagination


class CreatedCursorPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class NameCursorPagination(CreatedCursorPagination):
    ordering = ("nom", "id")
