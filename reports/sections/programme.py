"""The annual programme (Art. 24, 27, 28): per line, planned, drawn by orders, issued, reported and the yield of
the closed orders, for the programme in force in the report's year (mobilization.services.programme_progress)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mobilization.models import AnnualProgramme
from mobilization.services.programme_progress import programme_progress

from ..choices import ScopeKind
from .base import Indicator, light, not_applicable, pct, ratio

KEY = "programme"
TITLE = gettext_lazy("Annual programme")
TEMPLATE = "reports/sections/programme.html"
# People reported against people planned by the programme: green from 90 %, amber from 70 %.
REPORTED_OK, REPORTED_WARN = 0.90, 0.70


def gather(scope, as_of, detail: bool = True) -> dict:
    if scope.kind == ScopeKind.AGENCY:
        return not_applicable()
    programme = AnnualProgramme.objects.in_force(as_of.year)
    if programme is None:
        return {"available": True, "programme": None, "year": as_of.year, "lines": [], "totals": {}}
    progress = programme_progress(programme, scope.user_scope)
    return {
        "available": True,
        "programme": str(programme),
        "year": programme.year,
        "approval_reference": programme.approval_reference,
        "lines": [
            [
                line["key"],
                line["mobilization_type"],
                line["period"],
                line["planned"],
                line["drawn"],
                line["issued"],
                line["reported"],
                line["yield"],
            ]
            for line in progress["lines"]
        ],
        "totals": progress["totals"],
    }


def indicators(figures) -> list[Indicator]:
    totals = figures.get("totals") or {}
    reported = ratio(totals.get("reported", 0), totals.get("planned", 0)) if figures.get("available") else None
    return [
        Indicator(
            "programme.reported",
            _("Reported against the annual programme"),
            reported,
            pct(reported)
            if reported is not None
            else _("No approved programme for %(year)s") % {"year": figures.get("year", "")},
            light(reported, REPORTED_OK, REPORTED_WARN),
            _("green ≥ %(ok)s, amber ≥ %(warn)s") % {"ok": pct(REPORTED_OK), "warn": pct(REPORTED_WARN)},
        )
    ]


def charts_for(figures, scope, region_names) -> dict:
    return {}
