"""Rotation leave during General or Temporary Mobilization (Art. 32), by the rules of the policy in force.

The policy (Art. 33, versioned, set by mnd_admin) holds the largest share of a reserve unit's called-up members on
leave at once, the longest leave, and the days served before a first leave. Leave is recorded on the order (the
order's row is locked while recording, so two clerks cannot both take the last place of a unit) for a person who
has reported; a refusal lists every rule it breaks, each citing Art. 32.
"""

from __future__ import annotations

import datetime
import math

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg2.extras import DateRange

from core.actions import Action, Refusal
from core.templatetags.portal import roc_date
from reservists.choices import MobilizationType

from ..choices import Attendance, OrderStatus
from ..events import LEAVE_RECORDED
from ..models import CallUpOrder, Notice, RotationLeave

LEAVE_TYPES = (MobilizationType.GENERAL, MobilizationType.TEMPORARY)


def unit_key(notice: Notice) -> str:
    """The unit a person serves in: their reserve unit, or their township's group when none is assigned."""
    return f"unit-{notice.reserve_unit_id}" if notice.reserve_unit_id else f"township-{notice.township_id}"


def service_end(notice: Notice, order: CallUpOrder) -> datetime.date:
    return notice.report_date + datetime.timedelta(days=order.days - 1)


def leave_refusals(order: CallUpOrder, notice: Notice | None, start, end) -> list[Refusal]:
    """Every Art. 32 rule this leave would break (empty when it may be recorded)."""
    return order_leave_refusals(order) or person_leave_refusals(order, notice, start, end)


def order_leave_refusals(order: CallUpOrder) -> list[Refusal]:
    """Whether the order admits rotation leave at all: its type (Art. 32's scope) and its state."""
    if order.mobilization_type not in LEAVE_TYPES:
        return [
            Refusal(
                "art32.type_not_covered",
                _("Art. 32: rotation leave applies only during General or Temporary Mobilization."),
                article="32",
            )
        ]
    refusals: list[Refusal] = []
    if order.status != OrderStatus.ISSUED:
        refusals.append(
            Refusal(
                "art32.order_not_in_progress",
                _("Art. 32: leave is recorded while the mobilization is in progress (the order is “%(s)s”).")
                % {"s": order.get_status_display()},
                article="32",
            )
        )
    return refusals


def person_leave_refusals(order: CallUpOrder, notice: Notice | None, start, end) -> list[Refusal]:
    """The rules about this person and these days: reported, within service, length, first leave, unit share."""
    from .policy import policy_for

    refusals: list[Refusal] = []
    if notice is None or start is None or end is None:
        refusals.append(Refusal("art32.incomplete", _("Name the person, the first and the last day of leave."), "32"))
        return refusals
    if end < start:
        refusals.append(Refusal("art32.dates", _("The last day of leave comes before the first."), "32", field="end"))
        return refusals
    if notice.attendance != Attendance.PRESENT:
        refusals.append(
            Refusal(
                "art32.not_reported",
                _("Art. 32: rotation leave is for a called-up person serving; this person has not reported."),
                article="32",
            )
        )
    last_day = service_end(notice, order)
    if start < notice.report_date or end > last_day:
        refusals.append(
            Refusal(
                "art32.outside_service",
                _("Art. 32: the leave must fall within the service period (%(first)s to %(last)s).")
                % {"first": roc_date(notice.report_date), "last": roc_date(last_day)},
                article="32",
            )
        )
    policy = policy_for(start)
    days = (end - start).days + 1
    if days > policy.leave_max_days:
        refusals.append(
            Refusal(
                "art32.max_days",
                _("Art. 32 (policy version %(v)s): a leave may last at most %(max)s days; %(days)s asked.")
                % {"v": policy.version, "max": policy.leave_max_days, "days": days},
                article="32",
            )
        )
    own = RotationLeave.objects.filter(notice=notice)
    if own.filter(period__overlap=DateRange(start, end, "[]")).exists():
        refusals.append(Refusal("art32.overlap", _("This person is already on leave on some of these days."), "32"))
    served = (start - notice.report_date).days
    if not own.exists() and served < policy.leave_min_days_served:
        refusals.append(
            Refusal(
                "art32.min_days_served",
                _(
                    "Art. 32 (policy version %(v)s): a first leave comes after %(min)s days of service; "
                    "by %(start)s this person has served %(served)s."
                )
                % {
                    "v": policy.version,
                    "min": policy.leave_min_days_served,
                    "start": roc_date(start),
                    "served": max(served, 0),
                },
                article="32",
            )
        )
    refusals.extend(share_refusals(order, notice, start, end, policy))
    return refusals


def share_refusals(order, notice, start, end, policy) -> list[Refusal]:
    key = unit_key(notice)
    unit_notices = Notice.objects.filter(order=order, attendance=Attendance.PRESENT)
    if notice.reserve_unit_id:
        unit_notices = unit_notices.filter(reserve_unit_id=notice.reserve_unit_id)
    else:
        unit_notices = unit_notices.filter(reserve_unit__isnull=True, township_id=notice.township_id)
    members = unit_notices.count()
    allowed = math.floor(members * float(policy.leave_max_share))
    taken = list(
        RotationLeave.objects.filter(order=order, unit_key=key, period__overlap=DateRange(start, end, "[]"))
        .exclude(notice=notice)
        .values_list("period", flat=True)
    )
    day = start
    while day <= end:
        on_leave = sum(1 for period in taken if period.lower <= day and (period.upper is None or day < period.upper))
        if on_leave + 1 > allowed:
            return [
                Refusal(
                    "art32.max_share",
                    _(
                        "Art. 32 (policy version %(v)s): at most %(share)s%% of a unit's %(members)s serving members "
                        "may be on leave at once (%(allowed)s); on %(day)s %(taken)s already are."
                    )
                    % {
                        "v": policy.version,
                        "share": f"{float(policy.leave_max_share) * 100:g}",
                        "members": members,
                        "allowed": allowed,
                        "day": roc_date(day),
                        "taken": on_leave,
                    },
                    article="32",
                )
            ]
        day += datetime.timedelta(days=1)
    return []


class RecordLeave(Action):
    """Record a rotation leave on an order in progress; refused with reasons citing Art. 32 (400)."""

    event = LEAVE_RECORDED.name
    label = gettext_lazy("Record rotation leave")
    permission = "mobilization.add_rotationleave"
    model = CallUpOrder
    refusal_status = 400
    timestamp_field = None

    def guard(self, user, obj, **params):
        return order_leave_refusals(obj)

    def input_refusals(self, user, obj, notice=None, start=None, end=None, **params):
        if notice is not None and notice.order_id != obj.pk:
            return [Refusal("art32.other_order", _("This notice belongs to another order."), "32", field="notice")]
        return person_leave_refusals(obj, notice, start, end)

    def effect(self, user, obj, notice=None, start=None, end=None, note: str = "", **params):
        leave = RotationLeave.objects.create(
            notice=notice,
            order=obj,
            township_id=notice.township_id,
            unit_key=unit_key(notice),
            period=DateRange(start, end, "[]"),
            recorded_by=user,
            note=note,
        )
        self.recorded = leave
        return leave

    def describe(self, obj, **params):
        leave = getattr(self, "recorded", None)
        if leave is None:
            return {}
        return {"leave": leave.pk, "notice": leave.notice_id, "start": leave.period.lower, "unit": leave.unit_key}


def roster(order: CallUpOrder, leaves, day: datetime.date | None = None) -> list[dict]:
    """Per unit, who is on leave (and on `day`, if given)."""
    rows: dict[str, dict] = {}
    for leave in leaves:
        last = leave.period.upper - datetime.timedelta(days=1)
        if day is not None and not (leave.period.lower <= day <= last):
            continue
        unit = rows.setdefault(leave.unit_key, {"unit": leave.unit_key, "leaves": []})
        unit["leaves"].append({"leave": leave, "start": leave.period.lower, "end": last})
    return sorted(rows.values(), key=lambda r: r["unit"])
