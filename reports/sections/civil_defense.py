"""Civil defense: strength against establishment, trained share, how full the shelters are.

Figures come from civil_defense.metrics.county_readiness (scope-aware, one grouped query per figure).
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from civil_defense import metrics

from .. import charts
from ..choices import ScopeKind
from .base import Indicator, light, not_applicable, pct, ratio

KEY = "civil_defense"
TITLE = gettext_lazy("Civil defense")
TEMPLATE = "reports/sections/civil_defense.html"

# Team members against the teams' establishment: green from 90 %, amber from 75 %.
STRENGTH_OK, STRENGTH_WARN = 0.90, 0.75
# Members whose training has not lapsed: green from 80 %, amber from 60 %.
TRAINED_OK, TRAINED_WARN = 0.80, 0.60
# How full the shelters are (people assigned against places): green up to 90 %, amber up to 100 %, red when
# more people are assigned than there are places. A share of capacity, never above 100 % unless overfull.
SHELTER_OK, SHELTER_WARN = 0.90, 1.00
FIELDS = ("teams", "establishment", "strength", "trained", "shelters", "shelter_capacity", "shelter_assigned")


def gather(scope, as_of, detail: bool = True) -> dict:
    if scope.kind == ScopeKind.AGENCY:
        return not_applicable()
    rows = metrics.county_readiness(scope.principal(), today=as_of)
    total = metrics.totals(rows)
    figures = {"available": True, **{name: getattr(total, name) for name in FIELDS}}
    figures["stations"] = dict(total.stations)
    if detail:
        figures["by_county"] = [[row.county_code, *(getattr(row, name) for name in FIELDS)] for row in rows]
    return figures


def shelter_fill(figures) -> float | None:
    """People assigned to shelters as a share of their places (None without any place)."""
    return ratio(figures.get("shelter_assigned", 0), figures.get("shelter_capacity", 0))


def indicators(figures) -> list[Indicator]:
    available = figures.get("available")
    strength = ratio(figures.get("strength", 0), figures.get("establishment", 0)) if available else None
    trained = ratio(figures.get("trained", 0), figures.get("strength", 0)) if available else None
    shelter = shelter_fill(figures) if available else None
    return [
        Indicator(
            "civil_defense.strength",
            _("Civil-defense strength against establishment"),
            strength,
            pct(strength),
            light(strength, STRENGTH_OK, STRENGTH_WARN),
            _("green ≥ %(ok)s, amber ≥ %(warn)s") % {"ok": pct(STRENGTH_OK), "warn": pct(STRENGTH_WARN)},
        ),
        Indicator(
            "civil_defense.trained",
            _("Trained share of civil-defense members"),
            trained,
            pct(trained),
            light(trained, TRAINED_OK, TRAINED_WARN),
            _("green ≥ %(ok)s, amber ≥ %(warn)s") % {"ok": pct(TRAINED_OK), "warn": pct(TRAINED_WARN)},
        ),
        Indicator(
            "civil_defense.shelter",
            _("Shelter places taken"),
            shelter,
            _("%(percent)s (%(assigned)s of %(capacity)s places)")
            % {
                "percent": pct(shelter),
                "assigned": f"{figures.get('shelter_assigned', 0):,}",
                "capacity": f"{figures.get('shelter_capacity', 0):,}",
            }
            if shelter is not None
            else "—",
            light(shelter, SHELTER_OK, SHELTER_WARN, higher_is_better=False),
            _("green ≤ %(ok)s, amber ≤ %(warn)s, red when overfull")
            % {"ok": pct(SHELTER_OK), "warn": pct(SHELTER_WARN)},
        ),
    ]


def charts_for(figures, scope, region_names) -> dict:
    if not figures.get("available"):
        return {}
    strength = ratio(figures.get("strength", 0), figures.get("establishment", 0))
    trained = ratio(figures.get("trained", 0), figures.get("strength", 0))
    shelter = shelter_fill(figures)
    result = {
        "strength": charts.share_bar(strength, status=light(strength, STRENGTH_OK, STRENGTH_WARN)),
        "trained": charts.share_bar(trained, target=TRAINED_OK, status=light(trained, TRAINED_OK, TRAINED_WARN)),
        "shelter": charts.share_bar(shelter, status=light(shelter, SHELTER_OK, SHELTER_WARN, higher_is_better=False)),
    }
    rows = figures.get("by_county") or []
    if scope.kind == ScopeKind.NATION and rows:
        values = {code: ratio(strength_, est) for code, _t, est, strength_, *_rest in rows}
        result["map"] = charts.county_map(
            values, region_names, title=_("Strength against establishment by county"), percent=True
        )
        result["county_rows"] = [
            [region_names.get(code, code), est, strength_, trained_, cap, assigned]
            for code, _t, est, strength_, trained_, _s, cap, assigned in rows
        ]
    return result
