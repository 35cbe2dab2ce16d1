from rest_framework.pagination import CursorPagination, PageNumberPagination


class CountedPagination(PageNumberPagination):
    """Page numbers with a total `count`: for bounded lists (orders, teams, assets, candidates by filter)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(CursorPagination):
    """Keyset (cursor) pagination for lists of millions of rows: no COUNT(*), no deep OFFSET."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = "-id"
