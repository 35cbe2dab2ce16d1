"""What waits for a person in the call-up, counted for the home page and listed by the pages it links to.

One definition per kind of work, so the figure on the dashboard and the rows of the list it links to are the
same rows: notices to deliver, attendance to record (from the report day on), Art. 31 postponements, exemption
requests, orders and recalls/corrections to decide.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from core import dashboard

from .choices import LIVE_ORDER_STATUSES, ChangeStatus, ExemptionStatus, NoticeStatus, OrderStatus, PostponementStatus
from .models import CallUpOrder, Notice

BOUND = dashboard.WORKLIST_BOUND
NOT_BINDING = (NoticeStatus.EXEMPTED, NoticeStatus.WITHDRAWN)
TO_DELIVER = (NoticeStatus.ISSUED, NoticeStatus.SENT)
NOTICE_TODOS = ("deliver", "attendance")


def notices_to_do(user, todo: str, day):
    """The user's notices waiting for `todo`: "deliver" (issued or sent, not yet delivered) or "attendance"
    (report day has come, nothing recorded, the notice still binds), on orders still live."""
    queryset = Notice.objects.for_user(user).filter(order__status__in=LIVE_ORDER_STATUSES)
    if todo == "deliver":
        return queryset.filter(status__in=TO_DELIVER)
    if todo == "attendance":
        return queryset.filter(attendance__isnull=True, report_date__lte=day).exclude(status__in=NOT_BINDING)
    raise ValueError(todo)


def postponements_waiting(user):
    from .models import Postponement

    return Postponement.objects.for_user(user).filter(status=PostponementStatus.REQUESTED)


def exemptions_waiting(user):
    from .models import Exemption

    return Exemption.objects.for_user(user).filter(status=ExemptionStatus.REQUESTED)


def orders_to_decide(user):
    return CallUpOrder.objects.for_user(user).filter(status=OrderStatus.SUBMITTED)


def orders_with_change_waiting(user):
    from .models import OrderChange

    waiting = Exists(OrderChange.objects.filter(order_id=OuterRef("pk"), status=ChangeStatus.PROPOSED))
    return CallUpOrder.objects.for_user(user).filter(waiting)


bounded = dashboard.bounded  # one rule for every worklist figure (core.dashboard)
