"""Test data for the registry: valid national IDs and reservists in a given township or county."""

import datetime
import itertools

from core.models import Region
from core.pii import check_digit
from reservists.models import PriorityGrant, Reservist, ServiceRecord

_serial = itertools.count(1)


def national_id(letter: str = "A") -> str:
    prefix = f"{letter}1{next(_serial) + 3_000_000:07d}"
    return prefix + check_digit(prefix)


def township_of(region: Region) -> Region:
    if region.level == "township":
        return region
    # 板橋區 (220) for 新北市, so that the township clerk of the named users sees it too
    townships = region.children.filter(is_postal_area=False)
    return townships.filter(code="220").first() or townships.order_by("code").first()


def make_reservist(region: Region, **fields) -> Reservist:
    defaults = {
        "national_id": national_id(),
        "name": "王小明",
        "birth_date": datetime.date(1995, 4, 12),
        "category": "reservist",
        "branch": "army",
        "rank": "上兵",
        "specialty": "11A1",
        "retirement_date": datetime.date(2019, 6, 30),
        "township": township_of(region),
    }
    defaults.update(fields)
    return Reservist.objects.create(**defaults)


def make_service(reservist, **fields) -> ServiceRecord:
    defaults = {"mobilization_type": "educational", "start_date": datetime.date(2023, 3, 1), "days": 14}
    defaults.update(fields)
    return ServiceRecord.objects.create(reservist=reservist, **defaults)


def make_grant(reservist, **fields) -> PriorityGrant:
    defaults = {"kind": "successive", "basis": "art29.3", "valid_from": datetime.date(2024, 1, 1)}
    defaults.update(fields)
    return PriorityGrant.objects.create(reservist=reservist, **defaults)
