"""How many rows a list matched, without a COUNT over millions of rows on every view.

Up to EXACT_BELOW rows the count is exact (a COUNT over a LIMITed subquery: it stops at EXACT_BELOW + 1 rows);
past it, the planner's estimate from EXPLAIN (the table's statistics, no rows read), shown as "about N".
"""

import json
from dataclasses import dataclass

from django.db import connections

EXACT_BELOW = 1000


@dataclass(frozen=True)
class MatchCount:
    value: int
    exact: bool


def planner_estimate(queryset) -> int:
    """The planner's row estimate for `queryset` (EXPLAIN, no execution)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def match_count(queryset, exact_below: int = EXACT_BELOW) -> MatchCount:
    """Exact when at most `exact_below` rows match (one query that reads at most exact_below + 1 of them), else
    the planner's estimate (one more query, reading none), never below the exact part already known."""
    counted = queryset.order_by()[: exact_below + 1].count()
    if counted <= exact_below:
        return MatchCount(counted, True)
    return MatchCount(max(planner_estimate(queryset), exact_below + 1), False)
