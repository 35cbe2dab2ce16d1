"""Closing an order after its service period: the yield frozen per township, a no-show case per absentee.

Yield counts, per township and in total: called (every notice written), delivered (delivered or acknowledged),
undeliverable, postponed (an approved Art. 31 postponement), exempted, replaced (notices whose place went to a
replacement), withdrawn, reported (present), no-show (absent) and unknown. The same query answers for an
open order (live figures) and freezes them at closing; the next order's preview reads the frozen ones.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from core import events
from core.actions import Action, Refusal
from core.dates import format_roc
from core.models import Region
from core.scope import get_scope

from .. import events_lifecycle as ev
from ..choices import STEP_OUTCOME, Attendance, CaseStatus, CaseStep, ChangeStatus, GapStatus, OrderStatus
from ..models import CallUpOrder, Gap, NoShowCase, NoShowStep, Notice, OrderChange, OrderYield
from .lifecycle import BINDING, add_notice_events

FIELDS = (
    "called",
    "delivered",
    "undeliverable",
    "postponed",
    "exempted",
    "replaced",
    "withdrawn",
    "reported",
    "no_show",
    "unknown",
)


def review_days() -> int:
    """How long a township has to review a no-show (a policy setting; 60 days by default)."""
    return int(getattr(settings, "NO_SHOW_REVIEW_DAYS", 60))


def service_end(order) -> datetime.date:
    """The last day of service: the latest report date of a binding notice (postponements move it) + days - 1."""
    latest = Notice.objects.filter(order=order).order_by("-report_date").values_list("report_date", flat=True).first()
    return (latest or order.report_date) + datetime.timedelta(days=order.days - 1)


def yield_rows(order, township_ids=None) -> dict:
    """township id -> {field: count}, computed in one grouped query (None: every township)."""
    where = "n.order_id = %(order)s"
    params: dict = {"order": order.pk}
    if township_ids is not None:
        where += " AND n.township_id = ANY(%(townships)s)"
        params["townships"] = list(township_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT n.township_id,
                   count(*),
                   count(*) FILTER (WHERE n.status IN ('delivered', 'acknowledged')),
                   count(*) FILTER (WHERE n.status = 'undeliverable'),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM mobilization_postponement p
                                                  WHERE p.notice_id = n.id AND p.status = 'approved')),
                   count(*) FILTER (WHERE n.status = 'exempted'),
                   count(*) FILTER (WHERE EXISTS (SELECT 1 FROM {Gap._meta.db_table} g
                                                  WHERE g.notice_id = n.id AND g.status = 'filled')),
                   count(*) FILTER (WHERE n.status = 'withdrawn'),
                   count(*) FILTER (WHERE n.attendance = 'present'),
                   count(*) FILTER (WHERE n.attendance = 'absent'),
                   count(*) FILTER (WHERE n.attendance = 'unknown')
            FROM {Notice._meta.db_table} n WHERE {where}
            GROUP BY n.township_id
            """,
            params,
        )
        return {row[0]: dict(zip(FIELDS, row[1:], strict=True)) for row in cursor.fetchall()}


def total(rows: dict) -> dict:
    return {f: sum(r[f] for r in rows.values()) for f in FIELDS}


def open_without_attendance(order):
    return Notice.objects.filter(order=order, status__in=BINDING, attendance__isnull=True)


class CloseOrder(Action):
    """Close an issued order once its service period has ended and every binding notice has its attendance
    (present, absent, or unknown with a reason). The order becomes read-only."""

    model = CallUpOrder
    event = ev.ORDER_CLOSED.name
    label = gettext_lazy("Close the order")
    permission = "mobilization.close_calluporder"
    from_states = {OrderStatus.ISSUED}
    to_state = OrderStatus.CLOSED
    state_code = "order.wrong_status"

    def guard(self, user, order, **params):
        refusals = []
        end = service_end(order)
        if end >= timezone.localdate():
            refusals.append(
                Refusal(
                    "order.in_service",
                    _("The service period lasts until %(date)s; the order can be closed after it.")
                    % {"date": format_roc(end, english=get_language() == "en")},
                )
            )
        missing = open_without_attendance(order).count()
        if missing:
            link = reverse("mobilization:order-notices", args=[order.pk]) + "?attendance=none"
            refusals.append(
                Refusal(
                    "order.attendance_missing",
                    _(
                        "%(n)s notices have no recorded attendance: record it, or mark it unknown with a reason."
                    )
                    % {"n": missing},
                    extra={"link": link},
                )
            )
        if (
            Gap.objects.filter(order=order, status=GapStatus.PENDING).exists()
            or OrderChange.objects.filter(
                order=order, status__in=[ChangeStatus.PROPOSED, ChangeStatus.APPROVED]
            ).exists()
        ):
            refusals.append(
                Refusal("order.busy", _("A replacement, recall or correction of this order is still open."))
            )
        return refusals

    def effect(self, user, order, note="", **params):
        rows = yield_rows(order)
        now = timezone.now()
        OrderYield.objects.bulk_create(
            [OrderYield(order=order, township_id=t, frozen_at=now, **counts) for t, counts in rows.items()]
            + [OrderYield(order=order, township=None, frozen_at=now, **total(rows))]
        )
        due = timezone.localdate() + datetime.timedelta(days=review_days())
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {NoShowCase._meta.db_table}
                    (created_at, updated_at, notice_id, order_id, township_id, status, due_date)
                SELECT %(now)s, %(now)s, n.id, n.order_id, n.township_id, 'open', %(due)s
                FROM {Notice._meta.db_table} n
                WHERE n.order_id = %(order)s AND n.attendance = 'absent'
                ON CONFLICT (notice_id) DO NOTHING
                """,
                {"now": now, "due": due, "order": order.pk},
            )
            cases = cursor.rowcount
        return {"yield": total(rows), "cases": cases}

    def describe(self, order, **params) -> dict:
        return {}


def frozen_yield(order) -> tuple[dict, dict]:
    """(township id -> counts, total) of a closed order."""
    rows = {y.township_id: {f: getattr(y, f) for f in FIELDS} for y in order.yields.all()}
    grand = rows.pop(None, None)
    return rows, grand or total(rows)


def yield_payload(user, order) -> dict:
    """Per township (only those in the user's scope) and in total; frozen once the order is closed."""
    visible = set(Region.objects.for_user(user).filter(level="township").values_list("pk", flat=True))
    nation = get_scope(user).nation
    if order.status == "closed" and order.yields.exists():
        rows, grand = frozen_yield(order)
        frozen_at = order.yields.order_by("frozen_at").values_list("frozen_at", flat=True).first()
    else:
        rows = yield_rows(order, None if nation else visible)
        grand, frozen_at = total(rows), None
    if not nation:
        rows = {t: r for t, r in rows.items() if t in visible}
        grand = total(rows)
    names = {r.pk: r for r in Region.objects.filter(pk__in=rows)}
    gaps = Gap.objects.for_user(user).filter(order=order)
    return {
        "order": order.pk,
        "status": order.status,
        "quota": order.quota,
        "frozen_at": frozen_at,
        "townships": [
            {"township": names[t].code, "name": names[t].name, **counts}
            for t, counts in sorted(rows.items(), key=lambda item: names[item[0]].code)
        ],
        "total": grand,
        "shortfall": gaps.filter(status=GapStatus.SHORT).count(),
        "waiting_replacement": gaps.filter(status=GapStatus.PENDING).count(),
    }


# ----- attendance unknown ---------------------------------------------------------------------------


class MarkAttendanceUnknown(Action):
    """Attendance that cannot be established is marked unknown, with the reason, so the order can close."""

    model = Notice
    event = ev.ATTENDANCE_UNKNOWN.name
    label = gettext_lazy("Attendance unknown")
    permission = "mobilization.record_attendance"
    from_states = set(BINDING)
    state_code = "notice.wrong_status"
    requires_note = True
    state_field = "status"

    def guard(self, user, notice, **params):
        if notice.order.status != OrderStatus.ISSUED:
            return [Refusal("order.wrong_status", _("The order is closed: nothing more can be recorded on it."))]
        if notice.attendance in (Attendance.PRESENT, Attendance.ABSENT):
            return [Refusal("notice.attended", _("Attendance is recorded on this notice already."))]
        return []

    def changes(self, user, notice, **params):
        return {"attendance": Attendance.UNKNOWN, "attendance_recorded_at": timezone.now()}

    def effect(self, user, notice, note="", **params):
        add_notice_events([notice.pk], event="attendance.unknown", status=notice.status, note=note, user=user)
        return notice


# ----- no-show cases --------------------------------------------------------------------------------


class RecordCaseStep(Action):
    """One step of a no-show case. The last three (justified, unjustified, unreachable) end the case."""

    model = NoShowCase
    event = ev.NOSHOW_STEP.name
    label = gettext_lazy("Record a step")
    permission = "mobilization.record_noshow_step"
    from_states = {CaseStatus.OPEN}
    state_code = "case.closed"
    requires_note = True

    def guard(self, user, case, **params):
        if "step" in params and params["step"] not in CaseStep.values:
            return [Refusal("step.unknown", _("Choose one of the steps."), field="step")]
        return []

    def changes(self, user, case, step=None, **params):
        changes = {"updated_at": timezone.now()}  # always a guarded update: the case must still be open
        if step in STEP_OUTCOME:
            changes = {"status": STEP_OUTCOME[step], "closed_at": timezone.now()}
        if case.owner_id is None:
            changes["owner"] = user
        return changes

    def effect(self, user, case, note="", step=None, **params):
        return NoShowStep.objects.create(case=case, step=step, note=note, user=user, user_name=user.get_username())

    def describe(self, case, **params) -> dict:
        return {"step": params.get("step"), "owner": case.owner_id}


def record_step(*, user, case: NoShowCase, step: str, note: str = "") -> NoShowStep:
    return RecordCaseStep().execute(user, case, note=note, step=step)


def export_event(user, count: int) -> None:
    events.record(ev.NOSHOW_EXPORTED, user=user, after={"rows": count})
