"""Reservists: the callable pool within the windows of Art. 27/28, by branch, specialty and area; grants.

The window (8 years from retirement by the law's default) is the rule policy's in force on the report's date
(Art. 33: the MND may change it), the wider of the Educational/Duty and the Roll-Call windows.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mobilization.services import policy_for
from reservists.choices import ReservistStatus
from reservists.models import PriorityGrant, Reservist

from .. import charts
from ..choices import ScopeKind
from .base import Indicator, light, not_applicable, num, pct, ratio, top_with_others, years_before

KEY = "reservists"
TITLE = gettext_lazy("Reservists")
TEMPLATE = "reports/sections/reservists.html"

# Callable pool as a share of the active registry: green from 40 %, amber from 25 %, red below.
CALLABLE_SHARE_OK, CALLABLE_SHARE_WARN = 0.40, 0.25
# Share of the callable pool holding a valid Art. 29/30 grant (called successively or later): lower is better.
GRANT_SHARE_OK, GRANT_SHARE_WARN = 0.10, 0.20
TOP_SPECIALTIES = 12


def window_years(as_of) -> int:
    """Art. 27, 28: the years from retirement within which a reservist can be called, per the policy in force."""
    policy = policy_for(as_of)
    return max(policy.edu_window_years, policy.rollcall_window_years)


def window(as_of, years: int, prefix: str = "") -> Q:
    """Retired on or before `as_of` and no more than `years` before it (the anniversary included)."""
    return Q(**{f"{prefix}retirement_date__gte": years_before(as_of, years), f"{prefix}retirement_date__lte": as_of})


def gather(scope, as_of, detail: bool = True) -> dict:
    if scope.kind == ScopeKind.AGENCY:
        return not_applicable()
    years = window_years(as_of)
    in_window = window(as_of, years)
    active = scope.apply(Reservist.objects.filter(status=ReservistStatus.ACTIVE))
    callable_count = Count("id", filter=in_window)

    area_field = "township__parent__code" if scope.kind == ScopeKind.NATION else "township__code"
    areas = list(
        active.order_by().values(area_field).annotate(active=Count("id"), callable=callable_count).order_by(area_field)
    )
    by_area = {
        "area_level": "county" if scope.kind == ScopeKind.NATION else "township",
        "by_area": [[r[area_field], r["callable"], r["active"]] for r in areas],
    }
    if not detail:  # the dashboard: totals and the map from one pass
        return {
            "available": True,
            "active": sum(r["active"] for r in areas),
            "callable": sum(r["callable"] for r in areas),
            **by_area,
            "window_years": years,
            "grants": _grants(scope, as_of, years, detail=False),
        }
    branches, specialties = _branches_and_specialties(active, in_window)
    figures = {
        "available": True,
        "window_start": years_before(as_of, years).isoformat(),
        "window_years": years,
        "active": sum(r["active"] for r in areas),
        "callable": sum(r["callable"] for r in areas),
        "by_branch": branches,
        "by_specialty": top_with_others(specialties, TOP_SPECIALTIES, other_label="*"),
        "specialties": len(specialties),
        **by_area,
    }
    figures["grants"] = _grants(scope, as_of, years)
    return figures


def _branches_and_specialties(active, in_window) -> tuple[list, list]:
    """Branches (callable, active) and specialties (callable) from one scan: GROUPING SETS over the scope."""
    flagged = (
        active.order_by()
        .annotate(in_window=Case(When(in_window, then=Value(1)), default=Value(0), output_field=IntegerField()))
        .values("branch", "specialty", "in_window")
    )
    sql, params = flagged.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT branch, specialty, GROUPING(branch, specialty), COUNT(*), SUM(in_window) "
            f"FROM ({sql}) AS scoped GROUP BY GROUPING SETS ((branch), (specialty))",
            params,
        )
        rows = cursor.fetchall()
    branches = sorted(([b, c, a] for b, _s, g, a, c in rows if g == 1), key=lambda r: (-r[1], r[0]))
    specialties = sorted(((sp or "-", c) for _b, sp, g, _a, c in rows if g == 2 and c), key=lambda r: (-r[1], r[0]))
    return branches, specialties


def _grants(scope, as_of, years: int, detail: bool = True) -> dict:
    valid = scope.apply(
        PriorityGrant.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=as_of),
            valid_from__lte=as_of,
            reservist__status=ReservistStatus.ACTIVE,
        )
    )
    people = valid.filter(window(as_of, years, "reservist__")).aggregate(
        successive=Count("reservist", distinct=True, filter=Q(kind="successive")),
        later=Count("reservist", distinct=True, filter=Q(kind="later")),
        any=Count("reservist", distinct=True),
    )
    if not detail:
        return {"callable_with_grant": people}
    rows = (
        valid.order_by()
        .values("basis")
        .annotate(
            people=Count("reservist", distinct=True),
            callable=Count("reservist", distinct=True, filter=window(as_of, years, "reservist__")),
        )
    )
    by_basis = {r["basis"]: [r["people"], r["callable"]] for r in rows}
    return {"by_basis": by_basis, "callable_with_grant": people}


def indicators(figures) -> list[Indicator]:
    callable_share = ratio(figures.get("callable", 0), figures.get("active", 0)) if figures.get("available") else None
    grants = (figures.get("grants") or {}).get("callable_with_grant") or {}
    grant_share = ratio(grants.get("any", 0), figures.get("callable", 0)) if figures.get("available") else None
    return [
        Indicator(
            "reservists.callable",
            _("Callable pool (within %(years)s years of retirement)") % {"years": figures.get("window_years", 8)},
            figures.get("callable") if figures.get("available") else None,
            f"{num(figures.get('callable'))} ({pct(callable_share)})" if figures.get("available") else "—",
            light(callable_share, CALLABLE_SHARE_OK, CALLABLE_SHARE_WARN),
            _("share of the active registry: green ≥ %(ok)s, amber ≥ %(warn)s")
            % {"ok": pct(CALLABLE_SHARE_OK), "warn": pct(CALLABLE_SHARE_WARN)},
        ),
        Indicator(
            "reservists.grant_share",
            _("Callable reservists with an Art. 29/30 grant"),
            grant_share,
            pct(grant_share),
            light(grant_share, GRANT_SHARE_OK, GRANT_SHARE_WARN, higher_is_better=False),
            _("green ≤ %(ok)s, amber ≤ %(warn)s") % {"ok": pct(GRANT_SHARE_OK), "warn": pct(GRANT_SHARE_WARN)},
        ),
    ]


def charts_for(figures, scope, region_names: dict[str, str]) -> dict:
    if not figures.get("available"):
        return {}
    from reservists.choices import Branch, GrantBasis

    branch_labels = dict(Branch.choices)
    result = {}
    if "by_branch" in figures:
        result["branch"] = charts.bar_chart([(branch_labels.get(b, b), c) for b, c, _a in figures["by_branch"]])
        result["specialty"] = charts.bar_chart(
            [(_("other specialties") if s == "*" else s, n) for s, n in figures["by_specialty"]], max_bars=13
        )
    if figures["area_level"] == "county":
        shares = {code: ratio(c, a) for code, c, a in figures["by_area"]}
        result["map"] = charts.county_map(
            shares,
            region_names,
            title=_("Callable share of the active registry by county"),
            percent=True,
        )
    else:
        rows = sorted(figures["by_area"], key=lambda r: -r[1])
        result["area"] = charts.bar_chart([(region_names.get(code, code), c) for code, c, _a in rows], max_bars=15)
    labels = dict(GrantBasis.choices)
    result["grant_rows"] = [
        (basis, labels.get(basis, basis), people, callable_)
        for basis, (people, callable_) in sorted((figures.get("grants") or {}).get("by_basis", {}).items())
    ]
    return result
