"""Small builders for the registry rows the rules read."""

import datetime
import itertools

from core.models import Region
from core.pii import check_digit
from reservists.models import PriorityGrant, Reservist, ServiceRecord

_serial = itertools.count(10_000_000)


def national_id() -> str:
    prefix = "A1" + f"{next(_serial):07d}"[-7:]
    return prefix + check_digit(prefix)


def township(code: str = "220") -> Region:
    return Region.objects.get(code=code)


def make_reservist(retired=datetime.date(2020, 1, 1), township_code="220", **kw) -> Reservist:
    defaults = {
        "national_id": national_id(),
        "name": "王小明",
        "birth_date": retired - datetime.timedelta(days=22 * 365),
        "branch": "army",
        "retirement_date": retired,
        "township": township(township_code),
    }
    defaults.update(kw)
    return Reservist.objects.create(**defaults)


def serve(reservist, kind, start, days) -> ServiceRecord:
    return ServiceRecord.objects.create(reservist=reservist, mobilization_type=kind, start_date=start, days=days)


def grant(reservist, basis, valid_from, valid_until=None) -> PriorityGrant:
    kind = "successive" if basis.startswith("art29.") else "later"
    return PriorityGrant.objects.create(
        reservist=reservist, kind=kind, basis=basis, valid_from=valid_from, valid_until=valid_until
    )
