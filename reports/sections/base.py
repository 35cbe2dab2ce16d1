"""What every report section shares: availability checks, traffic lights and indicator records.

A section module provides:
    KEY, TITLE, TEMPLATE
    gather(scope: ReportScope, as_of: date) -> dict   JSON-ready figures (numbers and codes only, no
                                                       translated text), {"available": False, ...} where
                                                       the section does not apply to the scope
    indicators(figures) -> list[Indicator]              the key figures with a traffic light
    charts(figures, scope) -> dict[str, SafeString]     SVG for the page and the PDF
Figures are computed with aggregates in SQL through `scope.apply(...)`, never per row in Python. Sections import
the apps they report on by their real names (reports sits above every other app).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass
class Indicator:
    key: str
    label: str
    value: float | None
    display: str
    status: str  # "ok" | "warn" | "bad" | "" (no light: no data)
    rule: str  # the thresholds, said in words


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
