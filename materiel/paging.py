"""Newest-first keyset pages of the registry that stay fast for a county among half a million resources.

Ordered by id alone, PostgreSQL walks the primary key backwards and throws away every other county's rows until
it has a page: after another county imports 100,000 resources that is 100,000 rows read for 50 shown. For a
user whose scope is a set of townships, each township's newest rows come instead from the (township, id) index,
one short index scan per township, and the page is the newest of those.
"""

from __future__ import annotations

from core.models import Region
from core.scope import get_scope

MAX_TOWNSHIPS = 200  # past this (a nationwide scope), one scan by id is cheaper than one per township


def township_ids(user) -> list[int] | None:
    scope = get_scope(user)
    if scope.nation or scope.organisation_ids or not scope.region_ids:
        return None
    ids = list(Region.objects.filter(pk__in=scope.region_ids, level="township").values_list("pk", flat=True))
    return ids if 0 < len(ids) <= MAX_TOWNSHIPS else None


def newest(queryset, user, *, after: int | None = None, limit: int = 50) -> tuple[list, int | None]:
    """(rows, the id to continue after or None): `limit` rows of `queryset` newest first, within the user's scope.

    `queryset` is filtered but NOT scoped: the scope is applied here, either as `for_user` or, for a scope of
    townships, by reading only those townships (a redundant `township IN (...)` would steer the planner away
    from the (township, id) index)."""
    if after is not None:
        queryset = queryset.filter(pk__lt=after)
    townships = township_ids(user)
    if townships is None:
        # Ids first: a filter on kind (and condition) is then an index-only backward scan of (kind, id), where
        # whole rows by id would walk past every newer resource of other kinds (an import puts 100,000 at the top).
        ids = list(queryset.for_user(user).order_by("-pk").values_list("pk", flat=True)[: limit + 1])
        rows = list(queryset.filter(pk__in=ids).order_by("-pk"))
    else:
        parts = [
            queryset.filter(township_id=t).order_by("-pk").values_list("pk", flat=True)[: limit + 1] for t in townships
        ]
        if len(parts) == 1:  # one township (a township office): its newest ids are the page already
            ids = list(parts[0])
        else:
            # The newest of the townships' newest, picked in the database: one page of ids comes back, not one
            # per township.
            ids = list(parts[0].union(*parts[1:], all=True).order_by("-pk")[: limit + 1])
        rows = list(queryset.filter(pk__in=ids).order_by("-pk"))
    has_next = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].pk if has_next and rows else None)
