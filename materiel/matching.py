"""Matching requirements to registered resources (編管), set-based in SQL.

For a requirement, the registered resources of its kind in its county that are usable, meet its minimum capacity
and are not held by another allocation for an overlapping period are proposed nearest first (distance from the
handover point), as many as are still needed. The insert skips a resource that another transaction took in the
meantime (ON CONFLICT DO NOTHING on the exclusion constraint), so matching never allocates a resource twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q, Sum

from .choices import HOLDING, UNUSABLE_CONDITIONS, AllocationStatus, RequirementStatus
from .models import Allocation, Requirement

# Kilometres per degree of latitude; longitude degrees shrink with cos(latitude). Equirectangular distance is
# within a few metres of the great circle over the width of a county, and cheap enough to sort by in SQL.
KM_PER_DEGREE = 111.32

MATCH_SQL = """
-- What the requirement holds already (confirmed, and proposed by the steps before): the ranks go on from there,
-- and only what it still needs is proposed.
WITH held AS (
    SELECT count(*) AS n FROM materiel_allocation
    WHERE requirement_id = %(requirement)s AND status = ANY(%(holding)s))
INSERT INTO materiel_allocation
    (requirement_id, resource_id, starts_on, ends_on, status, distance_km, rank, created_at)
SELECT %(requirement)s, c.id, %(starts_on)s, %(ends_on)s, 'proposed', round(c.distance::numeric, 2),
       (SELECT n FROM held) + row_number() OVER (ORDER BY c.distance, c.id), now()
FROM (
    SELECT c.id, c.distance
    FROM (
        SELECT r.id,
               {km} * sqrt(power(r.latitude - %(lat)s, 2)
                           + power((r.longitude - %(lng)s) * cos(radians(%(lat)s)), 2)) AS distance
        FROM materiel_resource r
        -- materiel_res_match_area (kind, township, latitude): one index-only range per township of the county.
        WHERE r.kind_id = %(kind)s
          AND r.township_id = ANY(ARRAY(
              SELECT t.id FROM core_region t
              WHERE t.parent_id = (SELECT coalesce(g.parent_id, g.id) FROM core_region g WHERE g.id = %(region)s)))
          AND r.is_active AND NOT (r.condition = ANY(%(unusable)s))
          AND NOT (r.id = ANY(%(exclude)s))
          {within}
          {capacity}
        ORDER BY distance, r.id
        -- OFFSET 0 keeps the candidates sorted apart from the test below, so it runs nearest first and stops
        -- at LIMIT, instead of being pushed down to every resource of the box.
        OFFSET 0
    ) c
    WHERE {radius}
      -- Held for an overlapping period (by any requirement, this one's confirmed ones included). OFFSET 0 keeps
      -- it a per-resource index probe rather than a join that reads every overlapping allocation of the country.
      NOT EXISTS (
          SELECT 1 FROM materiel_allocation a
          WHERE a.resource_id = c.id AND a.status = ANY(%(holding)s)
            AND daterange(a.starts_on, a.ends_on, '[]') && daterange(%(starts_on)s, %(ends_on)s, '[]')
          OFFSET 0)
    LIMIT (SELECT greatest(0, %(quantity)s - n) FROM held)
) c
ON CONFLICT DO NOTHING
""".replace("{km}", str(KM_PER_DEGREE))

# The earlier proposals go before the first step, in the same round trip; each step ends by counting what the
# requirement holds, so one round trip a step (the first step is enough for most requirements).
DROP_SQL = "DELETE FROM materiel_allocation WHERE requirement_id = %(requirement)s AND status = %(proposed)s;\n"
COUNT_SQL = """;
SELECT count(*) FILTER (WHERE status = %(confirmed)s), count(*) FILTER (WHERE status = %(proposed)s)
FROM materiel_allocation WHERE requirement_id = %(requirement)s AND status = ANY(%(holding)s)"""

# Nearest first without computing the distance of every resource of the kind in the county: first only those in
# a box around the handover point (per township an index range on latitude, then longitude), keeping those within
# the radius the box encloses; if that is not enough, a wider box; at last the whole county. Each step only adds
# resources farther than every one the step before kept, so the ranks stay nearest first.
RADII_KM = (15.0, 60.0, None)
WITHIN = """AND r.latitude BETWEEN %(lat_min)s AND %(lat_max)s AND r.longitude BETWEEN %(lng_min)s AND %(lng_max)s"""


@dataclass
class MatchResult:
    requirement: Requirement
    proposed: int
    confirmed: int
    shortfall: int

    def as_dict(self) -> dict:
        return {
            "requirement": self.requirement.pk,
            "proposed": self.proposed,
            "confirmed": self.confirmed,
            "shortfall": self.shortfall,
        }


def match(requirement: Requirement, exclude: list[int] | None = None) -> MatchResult:
    """Propose resources for what the requirement still needs. Earlier proposals are dropped and made again
    (the registry may have changed); confirmed allocations stay. `exclude`: resources never to propose (those
    exempted from the order). Call inside a transaction."""
    params = {
        "requirement": requirement.pk,
        "quantity": requirement.quantity,
        "starts_on": requirement.starts_on,
        "ends_on": requirement.ends_on,
        "lat": float(requirement.handover_latitude),
        "lng": float(requirement.handover_longitude),
        "kind": requirement.kind_id,
        "region": requirement.region_id,  # its county in SQL: the action's fresh row has no region loaded
        "unusable": list(UNUSABLE_CONDITIONS),
        "holding": list(HOLDING),
        "proposed": AllocationStatus.PROPOSED,
        "confirmed": AllocationStatus.CONFIRMED,
        "exclude": list(exclude or []),
    }
    conditions = []
    numeric = set()
    if requirement.min_capacity:  # the kind only then, not one query more for every requirement
        numeric = {a["name"] for a in requirement.kind.attributes if a.get("type") in ("int", "decimal")}
    for index, (name, minimum) in enumerate(sorted((requirement.min_capacity or {}).items())):
        if name in numeric:
            conditions.append(
                f"AND (r.capacity->>%(cap_name_{index})s) ~ '^[0-9.]+$' "
                f"AND (r.capacity->>%(cap_name_{index})s)::numeric >= %(cap_min_{index})s"
            )
            params[f"cap_name_{index}"] = name
            params[f"cap_min_{index}"] = float(minimum)
    sql = MATCH_SQL.replace("{capacity}", " ".join(conditions))
    lat_km = KM_PER_DEGREE
    lng_km = KM_PER_DEGREE * max(0.1, math.cos(math.radians(params["lat"])))
    with connection.cursor() as cursor:
        for step, radius in enumerate(RADII_KM):
            if radius is None:
                statement = sql.replace("{within}", "").replace("{radius}", "")
            else:
                params.update(
                    lat_min=params["lat"] - radius / lat_km,
                    lat_max=params["lat"] + radius / lat_km,
                    lng_min=params["lng"] - radius / lng_km,
                    lng_max=params["lng"] + radius / lng_km,
                    radius=radius,
                )
                statement = sql.replace("{within}", WITHIN).replace("{radius}", "c.distance <= %(radius)s AND")
            # Several statements in one execute: psycopg2 sends them as one query and returns the last result.
            cursor.execute((DROP_SQL if step == 0 else "") + statement + COUNT_SQL, params)
            confirmed, proposed = cursor.fetchone()
            need = max(0, requirement.quantity - confirmed)
            if proposed >= need:
                break
    return MatchResult(requirement, proposed, confirmed, max(0, need - proposed))


def shortfall(requirements) -> list[dict]:
    """Per township (the requirement's region) and kind: required, allocated (proposed or confirmed), missing."""
    rows = (
        requirements.exclude(status=RequirementStatus.CLOSED)
        .values("region__code", "region__name_zh", "region__name_en", "kind__code", "kind__name_zh", "kind__name_en")
        .annotate(
            required=Sum("quantity", distinct=False),
            requirements=Count("id", distinct=True),
        )
        .order_by("region__code", "kind__code")
    )
    held = {
        (row["requirement__region__code"], row["requirement__kind__code"]): row["n"]
        for row in Allocation.objects.filter(requirement__in=requirements, status__in=HOLDING)
        .values("requirement__region__code", "requirement__kind__code")
        .annotate(n=Count("id"))
    }
    result = []
    for row in rows:
        allocated = held.get((row["region__code"], row["kind__code"]), 0)
        result.append(
            {
                "region": row["region__code"],
                "region_name": row["region__name_zh"],
                "region_name_en": row["region__name_en"],
                "kind": row["kind__code"],
                "kind_name": row["kind__name_zh"],
                "kind_name_en": row["kind__name_en"],
                "required": row["required"],
                "allocated": allocated,
                "shortfall": max(0, row["required"] - allocated),
            }
        )
    return result


def holding_q(starts_on, ends_on) -> Q:
    """Allocations that hold a resource on some day of [starts_on, ends_on]."""
    return Q(status__in=HOLDING, starts_on__lte=ends_on, ends_on__gte=starts_on)


def match_summary(requirement: Requirement) -> MatchResult:
    """Where the requirement stands without matching again."""
    held = dict(
        Allocation.objects.filter(requirement=requirement, status__in=HOLDING)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    proposed, confirmed = held.get(AllocationStatus.PROPOSED, 0), held.get(AllocationStatus.CONFIRMED, 0)
    return MatchResult(requirement, proposed, confirmed, max(0, requirement.quantity - proposed - confirmed))
