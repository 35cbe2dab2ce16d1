"""Cross-domain checks before a requisition order is issued (none of the separate systems makes them):

- the resource's owner or registered driver is a reservist with a call-up notice for an overlapping period
  (mobilization), so the person cannot both report to a unit and hand over the truck;
- the resource is already requisitioned, by another order, for an overlapping period;
- the facility is itself a critical-infrastructure asset (cip), and other assets may depend on it.

`detect()` only reads; `refresh()` writes the findings on the order as `Conflict` rows, keeps the ones a person
accepted with a reason, and marks those no longer found as resolved. Issuing waits while any finding is neither.
"""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone

from cip.models import Dependency
from core.pii import mask_national_id
from mobilization.models import Notice

from .choices import BINDING_NOTICES, AllocationStatus, ConflictKind, ConflictStatus
from .models import Conflict, RequisitionNotice, Resource

# A call-up notice's period is its report date plus the order's days; none is longer than a year (Art. 26).
LONGEST_CALL_UP_DAYS = 366


def order_resources(requisition):
    return Resource.objects.filter(
        allocations__requisition=requisition, allocations__status=AllocationStatus.CONFIRMED
    ).select_related("cip_asset")


def detect(requisition) -> dict[tuple[int, str], dict]:
    """(resource id, conflict kind) -> detail, for every conflict of the order's resources now."""
    requirement = requisition.requirement
    starts_on, ends_on = requirement.starts_on, requirement.ends_on
    resources = list(order_resources(requisition))
    found: dict[tuple[int, str], dict] = {}
    if not resources:
        return found

    by_person: dict[str, list[tuple[Resource, str]]] = {}
    for resource in resources:
        if resource.owner_national_id:
            by_person.setdefault(resource.owner_national_id, []).append((resource, "owner"))
        if resource.driver_national_id:
            by_person.setdefault(resource.driver_national_id, []).append((resource, "driver"))
    if by_person:
        notices = (
            Notice.objects.filter(
                reservist__national_id__in=list(by_person),
                report_date__lte=ends_on,
                report_date__gte=starts_on - datetime.timedelta(days=LONGEST_CALL_UP_DAYS),
            )
            .select_related("order")
            .values("number", "report_date", "order__days", "order__title", "reservist__national_id")
        )
        for notice in notices:
            last_day = notice["report_date"] + datetime.timedelta(days=notice["order__days"] - 1)
            if last_day < starts_on:
                continue
            for resource, role in by_person[notice["reservist__national_id"]]:
                found[(resource.pk, ConflictKind.RESERVIST_CALLED_UP)] = {
                    "role": role,
                    "national_id": mask_national_id(notice["reservist__national_id"]),
                    "notice": notice["number"],
                    "order": notice["order__title"],
                    "from": notice["report_date"].isoformat(),
                    "until": last_day.isoformat(),
                }

    others = (
        RequisitionNotice.objects.filter(
            resource__in=[r.pk for r in resources],
            status__in=BINDING_NOTICES,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        .exclude(requisition=requisition)
        .values("resource_id", "number", "requisition__number", "starts_on", "ends_on")
    )
    for other in others:
        found[(other["resource_id"], ConflictKind.REQUISITIONED_TWICE)] = {
            "notice": other["number"],
            "order": other["requisition__number"],
            "from": other["starts_on"].isoformat(),
            "until": other["ends_on"].isoformat(),
        }

    assets = {r.cip_asset_id: r for r in resources if r.cip_asset_id}
    if assets:
        dependents = dict(
            Dependency.objects.filter(depends_on_id__in=list(assets))
            .values("depends_on_id")
            .annotate(n=Count("id"))
            .values_list("depends_on_id", "n")
        )
        for asset_id, resource in assets.items():
            found[(resource.pk, ConflictKind.CRITICAL_ASSET)] = {
                "asset": asset_id,
                "asset_name": resource.cip_asset.name,
                "dependents": dependents.get(asset_id, 0),
            }
    return found


def unaccepted(requisition) -> list[tuple[int, str]]:
    """Findings that block issuing now: found, and not accepted with a reason."""
    accepted = set(
        Conflict.objects.filter(requisition=requisition, status=ConflictStatus.ACCEPTED).values_list(
            "resource_id", "kind"
        )
    )
    return sorted(key for key in detect(requisition) if key not in accepted)


def refresh(requisition) -> list[Conflict]:
    """Write the current findings on the order. Call inside a transaction."""
    found = detect(requisition)
    existing = {(c.resource_id, c.kind): c for c in Conflict.objects.filter(requisition=requisition)}
    now = timezone.now()
    for key, detail in found.items():
        conflict = existing.get(key)
        if conflict is None:
            Conflict.objects.create(requisition=requisition, resource_id=key[0], kind=key[1], detail=detail)
        elif conflict.status == ConflictStatus.RESOLVED:
            Conflict.objects.filter(pk=conflict.pk).update(status=ConflictStatus.OPEN, detail=detail, updated_at=now)
        elif conflict.detail != detail:
            Conflict.objects.filter(pk=conflict.pk).update(detail=detail, updated_at=now)
    gone = [c.pk for key, c in existing.items() if key not in found and c.status == ConflictStatus.OPEN]
    if gone:
        Conflict.objects.filter(pk__in=gone).update(status=ConflictStatus.RESOLVED, decided_at=now, updated_at=now)
    return list(Conflict.objects.filter(requisition=requisition).select_related("resource__kind"))


def resolution_hint(conflict: Conflict) -> str:
    """What resolves a conflict, shown beside it on the order."""
    from django.utils.translation import gettext as _

    if conflict.kind == ConflictKind.RESERVIST_CALLED_UP:
        return _(
            "Replace the resource, ask the reservist to name another driver, or accept with a reason "
            "(for example an Art. 29 job that continues)."
        )
    if conflict.kind == ConflictKind.REQUISITIONED_TWICE:
        return _("Replace the resource, or exempt it in the other order, or accept with a reason.")
    return _("Check that the asset's protection plan allows it, replace the resource, or accept with a reason.")
