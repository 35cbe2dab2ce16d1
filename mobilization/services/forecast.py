"""Measured yield guides the next order: how many of those called report, per township, from the frozen yield of
closed orders of the same mobilization type, and how many to call so that the quota reports.

The rate is reported / called (every notice written, replacements included: they are called too). A township
with fewer than MIN_CALLED measured notices borrows the rate of all townships together; with no closed order
of the type at all there is no estimate (None), and the page says so rather than guessing.
"""

from __future__ import annotations

import math

from django.db.models import Sum

from ..models import OrderYield

MIN_CALLED = 20


def measured(mobilization_type: str) -> tuple[dict, float | None]:
    """(township id -> rate, overall rate) from the closed orders of this type, in one grouped query (the total
    rows, whose township is empty, give the overall rate)."""
    rows = (
        OrderYield.objects.filter(order__mobilization_type=mobilization_type, order__status="closed")
        .values("township_id")
        .annotate(called=Sum("called"), reported=Sum("reported"))
        .order_by()
    )
    rates, rate_all = {}, None
    for row in rows:
        if row["township_id"] is None:
            rate_all = row["reported"] / row["called"] if row["called"] else None
        elif row["called"] >= MIN_CALLED:
            rates[row["township_id"]] = row["reported"] / row["called"]
    return rates, rate_all


def to_call(wanted: int, rate: float | None) -> int | None:
    if not rate:
        return None
    return math.ceil(wanted / rate)


def forecast(order, summary: dict | None) -> dict | None:
    """For an order's selection summary: expected reporting per township and in total, and how many to call."""
    rates, rate_all = measured(order.mobilization_type)
    if rate_all is None:
        return None
    rows = []
    expected_total = 0.0
    for row in (summary or {}).get("by_township", []):
        township = row["township_id"]
        rate = rates.get(township, rate_all)
        expected = min(row["share"], row["available"]) * rate
        expected_total += expected
        rows.append(
            {
                "township_id": township,
                "share": row["share"],
                "available": row["available"],
                "rate": rate,
                "measured": township in rates,
                "expected": round(expected),
                "suggested_call": min(row["available"], to_call(row["share"], rate) or 0),
            }
        )
    rows.sort(key=lambda r: r["expected"] - r["share"])  # the largest expected gaps first
    return {
        "rate": rate_all,
        "quota": order.quota,
        "expected": round(expected_total) if rows else round(order.quota * rate_all),
        "suggested_call": to_call(order.quota, rate_all),
        "by_township": rows,
    }


def rates_by_type() -> list[dict]:
    """The overall measured rate of each mobilization type (for the order form), in one query."""
    from reservists.choices import MobilizationType

    labels = dict(MobilizationType.choices)
    rows = (
        OrderYield.objects.filter(township__isnull=True, order__status="closed")
        .values("order__mobilization_type")
        .annotate(called=Sum("called"), reported=Sum("reported"))
        .order_by("order__mobilization_type")
    )
    return [
        {
            "type": r["order__mobilization_type"],
            "label": labels.get(r["order__mobilization_type"]),
            "rate": r["reported"] / r["called"],
        }
        for r in rows
        if r["called"]
    ]
