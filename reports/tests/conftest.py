"""A small registry in two counties, known by construction so tests can compute expected figures by hand."""

import datetime

import pytest

from core.models import Region

AS_OF = datetime.date(2026, 3, 1)


def make_reservist(seq, township, *, retired, branch="army", specialty="11B", status="active"):
    from reservists.models import Reservist

    return Reservist.objects.create(
        national_id=f"A{100000000 + seq}",
        name=f"測試{seq}",
        birth_date=datetime.date(1990, 1, 1),
        branch=branch,
        specialty=specialty,
        retirement_date=retired,
        township=township,
        status=status,
    )


@pytest.fixture
def registry(db):
    """NWT: 6 active (4 callable), 1 deceased; TPE: 3 active (2 callable). One NWT grant, one TPE grant."""
    from reservists.models import PriorityGrant

    banqiao = Region.objects.get(code="220")
    sanchong = Region.objects.get(code="241")
    taipei = Region.objects.get(parent__code="TW-TPE", code="100")
    in_window = datetime.date(2020, 5, 1)
    edge = datetime.date(2018, 3, 1)  # the 8th anniversary falls on the report date: still within
    too_old = datetime.date(2018, 2, 28)
    people = {
        "nwt": [
            make_reservist(1, banqiao, retired=in_window, branch="army", specialty="11B"),
            make_reservist(2, banqiao, retired=edge, branch="navy", specialty="31C"),
            make_reservist(3, sanchong, retired=in_window, branch="army", specialty="11B"),
            make_reservist(4, sanchong, retired=datetime.date(2025, 1, 1), branch="air_force", specialty="45K"),
            make_reservist(5, sanchong, retired=too_old, branch="army", specialty="11B"),
            make_reservist(6, banqiao, retired=datetime.date(2026, 6, 1), branch="army", specialty="11B"),  # after
            make_reservist(7, banqiao, retired=in_window, status="deceased"),
        ],
        "tpe": [
            make_reservist(11, taipei, retired=in_window, branch="marine_corps", specialty="03A"),
            make_reservist(12, taipei, retired=in_window, branch="army", specialty="11B"),
            make_reservist(13, taipei, retired=too_old, branch="army", specialty="11B"),
        ],
    }
    PriorityGrant.objects.create(
        reservist=people["nwt"][0], kind="successive", basis="art29.5", valid_from=datetime.date(2025, 1, 1)
    )
    PriorityGrant.objects.create(
        reservist=people["tpe"][0],
        kind="later",
        basis="art30.2",
        valid_from=datetime.date(2025, 1, 1),
        valid_until=datetime.date(2026, 12, 31),
    )
    PriorityGrant.objects.create(  # expired before the report date: does not count
        reservist=people["nwt"][1],
        kind="later",
        basis="art30.2",
        valid_from=datetime.date(2024, 1, 1),
        valid_until=datetime.date(2025, 1, 1),
    )
    return people
