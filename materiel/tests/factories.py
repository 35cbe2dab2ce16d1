"""Test data for the materiel app: resources placed in a county's first township, requirements, orders."""

import datetime
from decimal import Decimal

from django.utils import timezone

from core.models import Region
from core.testing import organisation

from ..models import Kind, Requirement, Resource

_counter = {"n": 0}


def township_of(county: Region) -> Region:
    return county.children.filter(is_postal_area=False).order_by("code").first()


def make_resource(
    county=None,
    *,
    township=None,
    kind="truck",
    owner_org=None,
    owner_national_id="",
    owner_name="",
    lat="25.01000",
    lng="121.46000",
    capacity=None,
    **extra,
) -> Resource:
    _counter["n"] += 1
    township = township or township_of(county)
    kind_obj = Kind.objects.get(code=kind)
    if owner_org is None and not owner_national_id:
        owner_org = organisation(f"m-owner-{township.parent.code.lower()}", region=township.parent.code)
    if capacity is None:
        capacity = {"payload_t": 12} if kind in ("truck", "pickup") else {}
    return Resource.objects.create(
        kind=kind_obj,
        registration=extra.pop("registration", f"REG-{_counter['n']:05d}"),
        owner_organisation=owner_org,
        owner_national_id=owner_national_id,
        owner_name=owner_name,
        township=township,
        latitude=Decimal(lat),
        longitude=Decimal(lng),
        capacity=capacity,
        **extra,
    )


def make_requirement(
    county, *, kind="truck", quantity=2, starts_on=None, days=3, lat="25.01000", lng="121.46000", region=None, user=None
) -> Requirement:
    starts_on = starts_on or timezone.localdate() + datetime.timedelta(days=30)
    return Requirement.objects.create(
        title="演習車輛需求",
        unit_name="第三作戰區",
        kind=Kind.objects.get(code=kind),
        quantity=quantity,
        starts_on=starts_on,
        ends_on=starts_on + datetime.timedelta(days=days - 1),
        region=region or county,
        handover_point="板橋第一運動場",
        handover_latitude=Decimal(lat),
        handover_longitude=Decimal(lng),
        handover_at=timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time(8, 0))),
        created_by=user,
    )
