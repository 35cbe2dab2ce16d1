"""Exercises: ratings by subject, open and overdue corrective actions (exercises.metrics)."""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from exercises import metrics

from .base import Indicator, light, pct, ratio

KEY = "exercises"
TITLE = gettext_lazy("Exercises")
TEMPLATE = "reports/sections/exercises.html"

# Overdue corrective actions among the open ones: green up to 10 %, amber up to 25 %.
OVERDUE_ACTIONS_OK, OVERDUE_ACTIONS_WARN = 0.10, 0.25
RATINGS = ("P", "S", "M", "U")  # performed without challenges, with some, with major ones, unable


def gather(scope, as_of, detail: bool = True) -> dict:
    principal = scope.principal()
    actions = metrics.action_counts(principal, as_of)
    figures = {
        "available": True,
        "open_actions": actions.get("open", 0),
        "overdue_actions": actions.get("overdue", 0),
        "ownerless_actions": actions.get("ownerless", 0),
    }
    if not detail:
        return figures
    figures["exercises"] = metrics.exercise_counts(principal)
    figures["ratings"] = [
        [r["code"], r["name_zh"], r["name_en"], r["total"], *(r.get(k, 0) for k in RATINGS)]
        for r in metrics.ratings_by_subject(principal)
    ]
    return figures


def indicators(figures) -> list[Indicator]:
    available = figures.get("available")
    overdue = ratio(figures.get("overdue_actions", 0), figures.get("open_actions", 0)) if available else None
    if available and not figures.get("open_actions"):
        overdue = 0.0
    shown = pct(overdue)
    if overdue is not None:
        shown += f" ({figures.get('overdue_actions', 0)}/{figures.get('open_actions', 0)})"
    return [
        Indicator(
            "exercises.overdue_actions",
            _("Overdue corrective actions among open ones"),
            overdue,
            shown,
            light(overdue, OVERDUE_ACTIONS_OK, OVERDUE_ACTIONS_WARN, higher_is_better=False),
            _("green ≤ %(ok)s, amber ≤ %(warn)s") % {"ok": pct(OVERDUE_ACTIONS_OK), "warn": pct(OVERDUE_ACTIONS_WARN)},
        )
    ]


def charts_for(figures, scope, region_names) -> dict:
    if not figures.get("available"):
        return {}
    english = (get_language() or "").startswith("en")
    return {
        "rating_rows": [
            [code, en if english else zh, total, p, s, m, u]
            for code, zh, en, total, p, s, m, u in figures.get("ratings", [])
        ]
    }
