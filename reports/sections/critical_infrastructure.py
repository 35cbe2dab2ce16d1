"""Critical infrastructure: assets by sector and level, the risk matrix, assets with overdue assessments.

Figures come from cip.metrics (scope-aware through for_user, one grouped query each), called with the
report's scope (a core.scope.UserScope).
"""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from cip import metrics

from .. import charts
from .base import Indicator, light, pct, ratio

KEY = "critical_infrastructure"
TITLE = gettext_lazy("Critical infrastructure")
TEMPLATE = "reports/sections/critical_infrastructure.html"

# Assets whose risk assessment is overdue: green up to 5 %, amber up to 15 %.
OVERDUE_OK, OVERDUE_WARN = 0.05, 0.15
OVERDUE_LISTED = 10


def gather(scope, as_of, detail: bool = True) -> dict:
    from cip.models import RiskMatrix

    principal = scope.principal()
    overdue = metrics.overdue_count(principal, as_of)
    by_sector = metrics.assets_by_sector_and_level(principal)
    figures = {
        "available": True,
        "assets": sum(r["count"] for r in by_sector),
        "overdue": overdue,
    }
    if not detail:
        return figures
    matrix = RiskMatrix.objects.filter(is_active=True).first()
    size = matrix.size if matrix else 5
    figures.update(
        {
            "by_sector_and_level": [
                [r["sector"], r["sector_name_zh"], r["sector_name_en"], r["level"], r["count"]] for r in by_sector
            ],
            "by_county": metrics.assets_by_county(principal),
            "risk_levels": metrics.risk_level_counts(principal),
            "risk_matrix": {f"{k[0]},{k[1]}": v for k, v in metrics.risk_matrix_counts(principal, matrix).items()}
            if matrix
            else {},
            "matrix": {
                "size": size,
                "medium_from": getattr(matrix, "medium_from", 5),
                "high_from": getattr(matrix, "high_from", 10),
                "critical_from": getattr(matrix, "critical_from", 17),
            },
            "overdue_assets": [
                [a.name, a.sector.code, a.level, a.assessment_due_on.isoformat() if a.assessment_due_on else None]
                for a in metrics.overdue_assessments(principal, as_of)[:OVERDUE_LISTED]
            ],
        }
    )
    return figures


def indicators(figures) -> list[Indicator]:
    available = figures.get("available")
    overdue = ratio(figures.get("overdue", 0), figures.get("assets", 0)) if available else None
    if available and not figures.get("assets"):
        overdue = None
    return [
        Indicator(
            "cip.overdue",
            _("CI assets with an overdue risk assessment"),
            overdue,
            f"{pct(overdue)} ({figures.get('overdue', 0)}/{figures.get('assets', 0)})" if overdue is not None else "—",
            light(overdue, OVERDUE_OK, OVERDUE_WARN, higher_is_better=False),
            _("green ≤ %(ok)s, amber ≤ %(warn)s") % {"ok": pct(OVERDUE_OK), "warn": pct(OVERDUE_WARN)},
        )
    ]


def charts_for(figures, scope, region_names) -> dict:
    if not figures.get("available") or "by_sector_and_level" not in figures:
        return {}
    english = (get_language() or "").startswith("en")
    sectors: dict[str, list] = {}
    for code, zh, en, level, count in figures["by_sector_and_level"]:
        row = sectors.setdefault(code, [en if english else zh, 0, 0, 0])
        row[level] += count
    sector_rows = sorted(sectors.values(), key=lambda r: -(r[1] + r[2] + r[3]))
    matrix = figures.get("matrix") or {}
    result = {
        "sector_rows": sector_rows,
        "sectors": charts.bar_chart([(name, l1 + l2 + l3) for name, l1, l2, l3 in sector_rows]),
        "matrix": charts.risk_matrix(
            figures.get("risk_matrix", {}),
            size=matrix.get("size", 5),
            thresholds=(matrix.get("medium_from", 5), matrix.get("high_from", 10), matrix.get("critical_from", 17)),
            likelihood_label=_("likelihood"),
            impact_label=_("impact"),
        ),
    }
    if figures.get("by_county") and scope.kind == "nation":
        result["map"] = charts.county_map(figures["by_county"], region_names, title=_("CI assets by county"))
    return result
