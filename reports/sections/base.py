"""What every report section shares: availability checks, traffic lights and indicator records.

A section module provides:
    KEY, TITLE, TEMPLATE
    gather(scope: ReportScope, as_of: date) -> dict   JSON-ready figures (numbers and codes only, no
                                                       translated text), {"available": False, ...} if the
                                                       source app has no data model yet
    indicators(figures) -> list[Indicator]              the key figures with a traffic light
    charts(figures, scope) -> dict[str, SafeString]     SVG for the page and the PDF
Figures are computed with aggregates in SQL through `scope.apply(...)`, never per row in Python.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@dataclass
class Indicator:
    key: str
    label: str
    value: float | None
    display: str
    status: str  # "ok" | "warn" | "bad" | "" (no light: no data)
    rule: str  # the thresholds, said in words


def model(app_label: str, name: str):
    """The model if the app defines it yet, else None (the other apps are built alongside this one)."""
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def metrics_module(app_label: str):
    """`<app>.metrics` if the app provides one, else None."""
    if find_spec(app_label) is None or find_spec(f"{app_label}.metrics") is None:
        return None
    return import_module(f"{app_label}.metrics")


def unavailable(reason: str = "no_model") -> dict:
    return {"available": False, "reason": reason}


def not_applicable() -> dict:
    return {"available": False, "reason": "not_applicable"}


def light(value: float | None, ok: float, warn: float, *, higher_is_better: bool = True) -> str:
    if value is None:
        return ""
    if higher_is_better:
        return "ok" if value >= ok else "warn" if value >= warn else "bad"
    return "ok" if value <= ok else "warn" if value <= warn else "bad"


def ratio(part, whole) -> float | None:
    if not whole:
        return None
    return round(part / whole, 4)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def num(value) -> str:
    return "—" if value is None else f"{value:,}"


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def top_with_others(rows: list[tuple[str, int]], limit: int, other_label: str = "other") -> list[list]:
    """The `limit` largest rows, the rest summed under `other_label` (rows come sorted, largest first)."""
    head = [[k, v] for k, v in rows[:limit]]
    rest = sum(v for _k, v in rows[limit:])
    if rest:
        head.append([other_label, rest])
    return head
