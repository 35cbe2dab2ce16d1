"""Scope-aware, set-based figures on critical infrastructure, for the dashboard and the reports app.

Every function takes a user (or a report's `core.scope.UserScope`) and counts only what `Asset.objects.for_user(user)`
lets them see.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F
from django.utils import timezone

from .choices import AssetStatus
from .models import Asset, RiskMatrix


def _assets(user):
    return Asset.objects.for_user(user, "cip.view_asset").exclude(status=AssetStatus.DECOMMISSIONED)


def assets_by_sector_and_level(user) -> list[dict]:
    """[{"sector": code, "sector_name_zh", "sector_name_en", "level": 1, "count": n}, ...] (one query)."""
    rows = (
        _assets(user)
        .values("sector__code", "sector__name_zh", "sector__name_en", "sector__sort_order", "level")
        .annotate(count=Count("id"))
        .order_by("sector__sort_order", "level")
    )
    return [
        {
            "sector": r["sector__code"],
            "sector_name_zh": r["sector__name_zh"],
            "sector_name_en": r["sector__name_en"],
            "level": r["level"],
            "count": r["count"],
        }
        for r in rows
    ]


def assets_by_county(user) -> dict[str, int]:
    """{county code: number of assets} (one query); feed it to `cip.geo.render_county_map`."""
    rows = _assets(user).values(code=F("township__parent__code")).annotate(count=Count("id")).order_by()
    return {r["code"]: r["count"] for r in rows}


def risk_matrix_counts(user, matrix: RiskMatrix | None = None) -> dict[tuple[int, int], int]:
    """{(likelihood, impact): number of assets whose current (worst) rating falls in that cell}."""
    matrix = matrix or RiskMatrix.active()
    rows = (
        _assets(user)
        .filter(likelihood__isnull=False, likelihood__lte=matrix.size, impact__lte=matrix.size)
        .values("likelihood", "impact")
        .annotate(count=Count("id"))
        .order_by()
    )
    return {(r["likelihood"], r["impact"]): r["count"] for r in rows}


def risk_level_counts(user) -> dict[str, int]:
    """{risk level: number of assets}; "" counts assets never assessed."""
    rows = _assets(user).values("risk_level").annotate(count=Count("id")).order_by()
    return {r["risk_level"]: r["count"] for r in rows}


def overdue_assessments(user, today: date | None = None):
    """Assets whose next assessment is past due, oldest due date first (a queryset: slice it)."""
    return (
        Asset.objects.for_user(user, "cip.view_asset")
        .overdue(today)
        .select_related("sector", "operator", "township__parent")
        .order_by("assessment_due_on", "id")
    )


def overdue_count(user, today: date | None = None) -> int:
    return Asset.objects.for_user(user, "cip.view_asset").overdue(today).count()


def summary(user, today: date | None = None) -> dict:
    """Everything a readiness report needs about CI, in a few grouped queries."""
    today = today or timezone.localdate()
    return {
        "by_sector_and_level": assets_by_sector_and_level(user),
        "by_county": assets_by_county(user),
        "risk_levels": risk_level_counts(user),
        "risk_matrix": {f"{k[0]}x{k[1]}": v for k, v in risk_matrix_counts(user).items()},
        "overdue": overdue_count(user, today),
    }


def plans_to_review(user, today: date | None = None):
    """Protection plans in force (approved or active) whose review date has come, the oldest first: an agency's
    plans to renew. Scoped through their asset."""
    from .choices import PlanStatus
    from .models import ProtectionPlan

    today = today or timezone.localdate()
    assets = Asset.objects.for_user(user, "cip.view_asset")
    return (
        ProtectionPlan.objects.filter(asset__in=assets, status__in=[PlanStatus.APPROVED, PlanStatus.ACTIVE])
        .filter(next_review_on__lte=today)
        .select_related("asset", "asset__operator")
        .order_by("next_review_on", "id")
    )
