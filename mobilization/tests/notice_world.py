"""A small registry and an approved order for the notice tests: who is called, who is not, and why."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from mobilization import services
from mobilization.choices import OrderStatus
from mobilization.models import CallUpOrder, Candidate
from reservists.models import ReserveUnit

from .helpers import grant, make_reservist, township

D = datetime.date
REPORT_DATE = D(2027, 3, 15)


@dataclass
class World:
    order: CallUpOrder
    unit: ReserveUnit
    called: list = field(default_factory=list)  # reservists who must get a notice, in call order
    not_called: dict = field(default_factory=dict)  # name -> reservist who must not


def approved_order(
    users, quota: int = 7, mobilization_type: str = "educational", exclude_one: bool = True, days: int = 5
) -> World:
    unit = ReserveUnit.objects.create(
        code="U-220",
        name="第一後備旅第一營",
        region=township("220"),
        assembly_point="新北市板橋區文化路一段 100 號 板橋營區",
        assembly_time=datetime.time(7, 30),
    )
    # Called: eligible people, most recently retired first (the selection's rank order).
    banqiao = [
        make_reservist(retired=D(2022, 1, 1), reserve_unit=unit, phone="0912345678", address="文化路1號"),
        make_reservist(retired=D(2021, 6, 1), reserve_unit=unit, email="a@example.tw", address="中山路2號"),
        make_reservist(retired=D(2021, 1, 1), reserve_unit=unit, address="文化路3號"),
        make_reservist(retired=D(2020, 1, 1), reserve_unit=unit, address="民生路4號"),
    ]
    xizhi = [
        make_reservist(retired=D(2020, 6, 1), township_code="221"),
        make_reservist(retired=D(2019, 6, 1), township_code="221"),
    ]
    taipei = [make_reservist(retired=D(2019, 8, 1), township_code="100")]
    excluded = make_reservist(retired=D(2022, 6, 1), reserve_unit=unit)
    judge = make_reservist(retired=D(2020, 2, 1))
    grant(judge, "art29.3", D(2019, 1, 1))
    student = make_reservist(retired=D(2020, 3, 1))
    grant(student, "art30.2", D(2019, 1, 1))
    old = make_reservist(retired=D(2010, 1, 1))
    order = CallUpOrder.objects.create(
        mobilization_type=mobilization_type,
        title="116年教育召集",
        legal_basis="後備軍人召集條例",
        report_date=REPORT_DATE,
        days=days,
        quota=quota,
        created_by=users.staff,
    )
    CallUpOrder.objects.filter(pk=order.pk).update(status=OrderStatus.SELECTING)
    services.run_selection(order.pk)
    order.refresh_from_db()
    if exclude_one:
        candidate = Candidate.objects.get(order=order, reservist=excluded)
        services.set_excluded(user=users.staff, order=order, candidate=candidate, excluded=True, reason="出國")
    with transaction.atomic():
        services.submit(user=users.staff, order=order)
    services.approve(user=users.approver, order=order)
    order.refresh_from_db()
    called = sorted(banqiao + xizhi + taipei, key=lambda r: (-r.retirement_date.toordinal(), r.pk))
    if not exclude_one:
        called = [excluded, *called]
    world = World(order=order, unit=unit, called=called[:quota])
    world.not_called = {"judge": judge, "student": student, "old": old}
    if exclude_one:
        world.not_called["excluded"] = excluded
    return world
