"""Matching against a plain reference: every usable resource of the kind in the county, free for the period,
sorted by distance from the handover point, the nearest taken. The SQL only reads boxes around the handover point
and probes allocations nearest first; these tests fail if that ever changes which resources are proposed."""

import datetime
import math
import random

import pytest

from core.testing import COUNTY_A, county

from .. import matching
from ..choices import HOLDING, AllocationStatus
from ..models import Allocation, Resource
from .factories import make_requirement, make_resource, township_of

pytestmark = pytest.mark.django_db

LAT, LNG = 25.0, 121.46


def distance(resource, requirement) -> float:
    lat0, lng0 = float(requirement.handover_latitude), float(requirement.handover_longitude)
    return matching.KM_PER_DEGREE * math.hypot(
        float(resource.latitude) - lat0, (float(resource.longitude) - lng0) * math.cos(math.radians(lat0))
    )


def county_of(region):
    return region.parent or region


def expected(requirement, exclude=()) -> list[int]:
    """The resources a match should propose, nearest first, computed without any of matching's shortcuts."""
    period = (requirement.starts_on, requirement.ends_on)
    held = set(
        Allocation.objects.filter(status__in=HOLDING, starts_on__lte=period[1], ends_on__gte=period[0])
        .exclude(requirement=requirement, status=AllocationStatus.PROPOSED)
        .values_list("resource_id", flat=True)
    )
    confirmed = Allocation.objects.filter(requirement=requirement, status=AllocationStatus.CONFIRMED).count()
    minimum = (requirement.min_capacity or {}).get("payload_t")
    candidates = [
        r
        for r in Resource.objects.filter(kind=requirement.kind, township__parent=county_of(requirement.region))
        if r.is_active
        and r.condition != "unserviceable"
        and r.pk not in held
        and r.pk not in exclude
        and (minimum is None or float(r.capacity.get("payload_t", 0)) >= minimum)
    ]
    candidates.sort(key=lambda r: (distance(r, requirement), r.pk))
    return [r.pk for r in candidates[: max(0, requirement.quantity - confirmed)]]


def proposed(requirement) -> list[int]:
    rows = list(
        Allocation.objects.filter(requirement=requirement, status=AllocationStatus.PROPOSED)
        .order_by("rank")
        .values_list("resource_id", "rank")
    )
    confirmed = Allocation.objects.filter(requirement=requirement, status=AllocationStatus.CONFIRMED).count()
    assert [rank for _, rank in rows] == list(range(confirmed + 1, confirmed + 1 + len(rows)))
    return [pk for pk, _ in rows]


def scatter(rng, n):
    """Resources of county A in its townships, a few near the handover point, most 15 to 150 km away; some
    unusable, inactive or too small; trucks of another county and another kind right at the handover point."""
    a = county(COUNTY_A)
    townships = list(a.children.filter(is_postal_area=False).order_by("code")[:4])
    for i in range(n):
        km = rng.choice((rng.uniform(0, 15), rng.uniform(15, 60), rng.uniform(60, 150)))
        angle = rng.uniform(0, 2 * math.pi)
        make_resource(
            township=townships[i % len(townships)],
            lat=f"{LAT + km * math.sin(angle) / 111.32:.5f}",
            lng=f"{LNG + km * math.cos(angle) / (111.32 * math.cos(math.radians(LAT))):.5f}",
            condition=rng.choice(("good", "good", "fair", "poor", "unserviceable")),
            is_active=rng.random() > 0.1,
            capacity={"payload_t": rng.choice((3, 8, 12, 20))},
        )
    make_resource(county("TW-TPE"), lat=f"{LAT:.5f}", lng=f"{LNG:.5f}")
    make_resource(a, kind="pickup", lat=f"{LAT:.5f}", lng=f"{LNG:.5f}")


def test_matching_in_sequence_agrees_with_the_plain_reference(users):
    rng = random.Random(22)
    scatter(rng, 70)
    a = county(COUNTY_A)
    start = datetime.date(2031, 3, 1)
    for i in range(10):
        requirement = make_requirement(
            a,
            quantity=rng.choice((1, 3, 6, 12)),
            starts_on=start + datetime.timedelta(days=rng.choice((0, 2, 6))),
            days=3,
            lat=f"{LAT + rng.uniform(-0.3, 0.3):.5f}",
            lng=f"{LNG + rng.uniform(-0.3, 0.3):.5f}",
            region=township_of(a) if i % 4 == 3 else None,  # a township's requirement: its county's resources
        )
        if i % 3 == 1:
            requirement.min_capacity = {"payload_t": 10}
            requirement.save()
        want = expected(requirement)
        result = matching.match(requirement)
        assert proposed(requirement) == want
        assert (result.proposed, result.confirmed, result.shortfall) == (
            len(want),
            0,
            requirement.quantity - len(want),
        )


def test_a_held_nearest_resource_gives_way_to_the_next_nearest(users):
    """The nearest resource is held for an overlapping period: a requirement for one gets the second nearest,
    within the first box, not a shortfall."""
    a = county(COUNTY_A)
    nearest = make_resource(a, lat="25.00900", lng=f"{LNG:.5f}")
    second = make_resource(a, lat="25.01800", lng=f"{LNG:.5f}")
    first = make_requirement(a, quantity=1, lat=f"{LAT:.5f}", lng=f"{LNG:.5f}")
    assert matching.match(first).proposed == 1 and proposed(first) == [nearest.pk]
    other = make_requirement(a, quantity=1, starts_on=first.ends_on, lat=f"{LAT:.5f}", lng=f"{LNG:.5f}")
    result = matching.match(other)
    assert (result.proposed, result.shortfall) == (1, 0)
    assert proposed(other) == [second.pk]


def test_matching_again_keeps_the_confirmed_and_makes_the_proposals_again(users):
    a = county(COUNTY_A)
    r1, r2, r3, r4 = (make_resource(a, lat=f"{LAT + km / 111.32:.5f}", lng=f"{LNG:.5f}") for km in (1, 2, 3, 70))
    requirement = make_requirement(a, quantity=3, lat=f"{LAT:.5f}", lng=f"{LNG:.5f}")
    matching.match(requirement)
    assert proposed(requirement) == [r1.pk, r2.pk, r3.pk]
    Allocation.objects.filter(requirement=requirement, resource=r2).update(status=AllocationStatus.CONFIRMED)
    Resource.objects.filter(pk=r1.pk).update(is_active=False)
    nearer = make_resource(a, lat=f"{LAT + 0.5 / 111.32:.5f}", lng=f"{LNG:.5f}")
    requirement.refresh_from_db()
    want = expected(requirement, exclude=[r3.pk])
    result = matching.match(requirement, exclude=[r3.pk])
    assert want == [nearer.pk, r4.pk]
    assert proposed(requirement) == want
    assert (result.proposed, result.confirmed, result.shortfall) == (2, 1, 0)
    confirmed = Allocation.objects.get(requirement=requirement, status=AllocationStatus.CONFIRMED)
    assert (confirmed.resource_id, confirmed.rank) == (r2.pk, 2)
    # once more: the same proposals, none twice
    matching.match(requirement, exclude=[r3.pk])
    assert proposed(requirement) == want
    assert Allocation.objects.filter(requirement=requirement).count() == 3


def test_two_overlapping_requirements_never_share_a_resource(users):
    rng = random.Random(7)
    scatter(rng, 30)
    a = county(COUNTY_A)
    one = make_requirement(a, quantity=12, lat=f"{LAT:.5f}", lng=f"{LNG:.5f}")
    two = make_requirement(a, quantity=12, starts_on=one.starts_on + datetime.timedelta(days=1))
    matching.match(one)
    want = expected(two)
    matching.match(two)
    assert proposed(two) == want
    assert not set(proposed(one)) & set(proposed(two))
    assert proposed(one) and proposed(two)


def test_one_round_trip_when_the_first_box_is_enough_and_one_more_per_wider_box(users, django_assert_num_queries):
    a = county(COUNTY_A)
    for km in (1, 2, 40, 90):
        make_resource(a, lat=f"{LAT + km / 111.32:.5f}", lng=f"{LNG:.5f}")
    requirement = make_requirement(a, quantity=2, lat=f"{LAT:.5f}", lng=f"{LNG:.5f}")
    requirement = type(requirement).objects.get(pk=requirement.pk)  # as the action reads it: no kind, no region
    with django_assert_num_queries(1):
        assert matching.match(requirement).proposed == 2
    requirement.quantity = 3
    with django_assert_num_queries(2):
        assert matching.match(requirement).proposed == 3
    requirement.quantity = 5
    with django_assert_num_queries(3):
        result = matching.match(requirement)
    assert (result.proposed, result.shortfall) == (4, 1)
