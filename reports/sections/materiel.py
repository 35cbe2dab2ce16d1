"""The readiness report's materiel section (listed in reports/sections): registered against required per class
and county, the year's survey completion and the handover rate of the last drill (from the handover times the
drill's evaluation recorded per requisition notice: exercises.metrics.last_drill_handover).

Figures come from materiel.metrics under the report's scope, so a county report counts what that county's
official sees. Its template is materiel/templates/reports/sections/materiel.html.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exercises import metrics as exercise_metrics
from materiel import metrics

from .base import Indicator, light, pct, ratio

KEY = "materiel"
TITLE = gettext_lazy("Materiel mobilization")
TEMPLATE = "reports/sections/materiel.html"

SURVEY_OK, SURVEY_WARN = 1.0, 0.75
HANDOVER_OK, HANDOVER_WARN = 0.9, 0.75


def gather(scope, as_of, detail: bool = True) -> dict:
    principal = scope.user_scope
    rows = metrics.registered_vs_required(principal)
    survey = metrics.survey_completion(principal, as_of.year)
    drill = exercise_metrics.last_drill_handover(principal)
    figures = {
        "available": True,
        "registered": sum(r["registered"] for r in rows),
        "required": sum(r["required"] for r in rows),
        "gap": sum(r["gap"] for r in rows),
        "survey": {k: survey[k] for k in ("year", "total", "done", "accepted")},
        "drill": {k: drill[k] for k in ("exercise", "due", "handed_over", "on_time")},
    }
    if detail:
        figures["by_county_and_kind"] = [
            [r["county"], r["county_name"], r["kind"], r["kind_name"], r["registered"], r["required"], r["gap"]]
            for r in rows
        ]
    return figures


def indicators(figures) -> list[Indicator]:
    available = figures.get("available")
    survey = figures.get("survey") or {}
    drill = figures.get("drill") or {}
    completion = ratio(survey.get("done", 0), survey.get("total", 0)) if available else None
    handover = ratio(drill.get("handed_over", 0), drill.get("due", 0)) if available else None
    return [
        Indicator(
            "materiel.survey",
            _("Counties that submitted this year's capacity survey"),
            completion,
            f"{pct(completion)} ({survey.get('done', 0)}/{survey.get('total', 0)})" if completion is not None else "—",
            light(completion, SURVEY_OK, SURVEY_WARN),
            _("green = all, amber ≥ %(warn)s") % {"warn": pct(SURVEY_WARN)},
        ),
        Indicator(
            "materiel.handover",
            _("Resources handed over in the last drill"),
            handover,
            f"{pct(handover)} ({drill.get('handed_over', 0)}/{drill.get('due', 0)})" if handover is not None else "—",
            light(handover, HANDOVER_OK, HANDOVER_WARN),
            _("green ≥ %(ok)s, amber ≥ %(warn)s") % {"ok": pct(HANDOVER_OK), "warn": pct(HANDOVER_WARN)},
        ),
    ]


def charts_for(figures, scope, region_names) -> dict:
    return {}
