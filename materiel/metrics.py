"""Readiness figures of materiel mobilization, within a user's scope: registered against required per class and
county, and survey completion of the year (the handover rate of the last drill comes from the
drill's evaluation: exercises.metrics.last_drill_handover)."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.utils import timezone

from .choices import RequirementStatus, SurveyStatus
from .models import CountySurvey, Requirement, Resource


def registered_vs_required(user) -> list[dict]:
    """Per county and kind: active registered resources, open required quantity, and the gap."""
    registered = {
        (row["township__parent__code"], row["kind__code"]): row
        for row in Resource.objects.for_user(user)
        .filter(is_active=True)
        .values("township__parent__code", "township__parent__name_zh", "kind__code", "kind__name_zh")
        .annotate(n=Count("id"))
    }
    required: dict[tuple, dict] = {}
    for row in (
        Requirement.objects.for_user(user)
        .exclude(status=RequirementStatus.CLOSED)
        .values(
            "region__code",
            "region__name_zh",
            "region__parent__code",
            "region__parent__name_zh",
            "kind__code",
            "kind__name_zh",
        )
        .annotate(n=Sum("quantity"))
    ):
        county = row["region__parent__code"] or row["region__code"]
        name = row["region__parent__name_zh"] or row["region__name_zh"]
        entry = required.setdefault((county, row["kind__code"]), {"name": name, "kind": row["kind__name_zh"], "n": 0})
        entry["n"] += row["n"]
    rows = []
    for key in sorted(set(registered) | set(required)):
        reg = registered.get(key)
        req = required.get(key)
        n_reg = reg["n"] if reg else 0
        n_req = req["n"] if req else 0
        rows.append(
            {
                "county": key[0],
                "county_name": reg["township__parent__name_zh"] if reg else req["name"],
                "kind": key[1],
                "kind_name": reg["kind__name_zh"] if reg else req["kind"],
                "registered": n_reg,
                "required": n_req,
                "gap": max(0, n_req - n_reg),
            }
        )
    return rows


def survey_completion(user, year: int | None = None) -> dict:
    """Counties of the user's scope that submitted (or had accepted) this year's survey."""
    year = year or timezone.localdate().year
    counts = dict(
        CountySurvey.objects.for_user(user)
        .filter(cycle__year=year)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    total = sum(counts.values())
    done = counts.get(SurveyStatus.SUBMITTED, 0) + counts.get(SurveyStatus.ACCEPTED, 0)
    return {
        "year": year,
        "total": total,
        "done": done,
        "accepted": counts.get(SurveyStatus.ACCEPTED, 0),
        "rate": round(100 * done / total) if total else None,
    }
