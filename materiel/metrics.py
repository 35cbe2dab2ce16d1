"""Readiness figures of materiel mobilization, within a user's scope: registered against required per class and
county, survey completion of the year, and the handover rate of the last drill."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .choices import NoticeStatus, Purpose, RequirementStatus, RequisitionStatus, SurveyStatus
from .models import CountySurvey, Requirement, Requisition, RequisitionNotice, Resource


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


def last_drill_handover(user) -> dict:
    """The most recent issued drill order in scope: notices due, handed over (on time), and the rate."""
    order = (
        Requisition.objects.for_user(user)
        .filter(purpose=Purpose.DRILL, status__in=(RequisitionStatus.ISSUED, RequisitionStatus.CLOSED))
        .order_by("-issued_at", "-id")
        .first()
    )
    if order is None:
        return {"order": None, "due": 0, "handed_over": 0, "rate": None}
    figures = RequisitionNotice.objects.filter(requisition=order).aggregate(
        due=Coalesce(Count("id", filter=~Q(status=NoticeStatus.EXEMPTED)), 0),
        handed_over=Coalesce(Count("id", filter=Q(status__in=(NoticeStatus.HANDED_OVER, NoticeStatus.RETURNED))), 0),
    )
    due, handed = figures["due"], figures["handed_over"]
    return {
        "order": order.number,
        "order_id": order.pk,
        "due": due,
        "handed_over": handed,
        "rate": round(100 * handed / due) if due else None,
    }
