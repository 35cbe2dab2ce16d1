"""An issued order with a pool of people left to replace from, for the end-of-call-up tests.

Called (quota 4, rank order): three in 板橋 (220), one in 汐止 (221). Left in rank order for replacement:
one more in 板橋, one in 汐止, one in 臺北 中正 (100, another county), and the Art. 30 student (`later`)."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction

from mobilization import services
from mobilization.choices import OrderStatus
from mobilization.models import CallUpOrder, Notice
from mobilization.services import issuing
from reservists.models import ReserveUnit

from .helpers import grant, make_reservist, township

D = datetime.date
REPORT_DATE = D(2027, 3, 15)


@dataclass
class Issued:
    order: CallUpOrder
    people: dict = field(default_factory=dict)  # name -> reservist

    def notice(self, name) -> Notice:
        return Notice.objects.get(order=self.order, reservist=self.people[name])

    def has_notice(self, name) -> bool:
        return Notice.objects.filter(order=self.order, reservist=self.people[name]).exists()


def issued_order(users, *, quota: int = 4, report_date=REPORT_DATE, days: int = 5, title="116年教育召集") -> Issued:
    unit, _ = ReserveUnit.objects.get_or_create(
        code="U-220",
        defaults={
            "name": "第一後備旅第一營",
            "region": township("220"),
            "assembly_point": "新北市板橋區文化路一段 100 號 板橋營區",
            "assembly_time": datetime.time(7, 30),
        },
    )
    people = {
        "b1": make_reservist(retired=D(2023, 1, 1), reserve_unit=unit, phone="0912000001", address="文化路1號"),
        "b2": make_reservist(retired=D(2022, 6, 1), reserve_unit=unit, email="b2@example.tw", address="文化路2號"),
        "b3": make_reservist(retired=D(2022, 1, 1), reserve_unit=unit, address="文化路3號"),
        "x1": make_reservist(retired=D(2021, 6, 1), township_code="221", phone="0912000004"),
        # not called at first: the replacement pool, in rank order
        "b4": make_reservist(retired=D(2021, 1, 1), reserve_unit=unit, phone="0912000005", address="文化路5號"),
        "x2": make_reservist(retired=D(2020, 6, 1), township_code="221"),
        "t1": make_reservist(retired=D(2020, 1, 1), township_code="100", phone="0912000007"),
        "student": make_reservist(retired=D(2023, 3, 1)),
    }
    grant(people["student"], "art30.2", D(2019, 1, 1))
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title=title,
        legal_basis="後備軍人召集條例",
        report_date=report_date,
        days=days,
        quota=quota,
        created_by=users.staff,
    )
    CallUpOrder.objects.filter(pk=order.pk).update(status=OrderStatus.SELECTING)
    services.run_selection(order.pk)
    order.refresh_from_db()
    with transaction.atomic():
        services.submit(user=users.staff, order=order)
    services.approve(user=users.approver, order=order)
    order.refresh_from_db()
    CallUpOrder.objects.filter(pk=order.pk).update(status=OrderStatus.ISSUING)
    order.refresh_from_db()
    issuing.write_notices(0, order, issuing.call_list(order))
    issuing.mark_issued(order, quota)
    issuing.plan_batches(order)
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUED
    return Issued(order=order, people=people)
