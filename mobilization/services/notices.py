"""Workflow steps on notices: delivery, acknowledgement, attendance on report day, Art. 31 postponements.

Each step is an Action (core/actions.py): permission and scope first, then the notice's state, then the guards
(the order is live, Art. 31), one guarded update, the notice's history (NoticeEvent) and a named audit event
(events.py). A refusal raises ActionRefused with reasons like the rules engine's (article, item, code, message).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import Action, Refusal
from core.audit import audit_context
from core.events import record
from core.exceptions import TransitionRefused
from reservists.choices import MobilizationType, ServiceSource
from reservists.models import ServiceRecord

from .. import events
from ..choices import (
    LIVE_ORDER_STATUSES,
    POSTPONEMENT_MAX_DAYS,
    Attendance,
    Channel,
    NoticeStatus,
    PostponementKind,
    PostponementStatus,
)
from ..models import Notice, NoticeEvent, Postponement
from . import delivery

# Which statuses each delivery step may start from.
DELIVERABLE = {NoticeStatus.ISSUED, NoticeStatus.SENT, NoticeStatus.UNDELIVERABLE}
UNDELIVERABLE_FROM = {NoticeStatus.ISSUED, NoticeStatus.SENT}
ACKNOWLEDGEABLE = {NoticeStatus.ISSUED, NoticeStatus.SENT, NoticeStatus.DELIVERED}
LIVE_ORDER = LIVE_ORDER_STATUSES
# Art. 31 names these four; Roll-Call Mobilization has no postponement.
POSTPONABLE_TYPES = {
    MobilizationType.GENERAL,
    MobilizationType.TEMPORARY,
    MobilizationType.EDUCATIONAL,
    MobilizationType.DUTY,
}


def _user_fields(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": None, "user_name": ""}
    return {"user": user, "user_name": user.get_username()}


def order_live_refusals(order) -> list[Refusal]:
    if order.status not in LIVE_ORDER:
        return [
            Refusal(
                "order.wrong_status",
                _("The order of this notice is “%(s)s”: nothing more can be recorded on it.")
                % {"s": order.get_status_display()},
            )
        ]
    return []


def _order_live(notice: Notice) -> None:
    refusals = order_live_refusals(notice.order)
    if refusals:
        raise TransitionRefused(refusals[0].message, reasons=[r.as_dict() for r in refusals])


class NoticeAction(Action):
    """A step on one notice while its order is live; each step also writes the notice's history (NoticeEvent)."""

    model = Notice
    state_code = "notice.wrong_status"
    history_event = ""

    def state_refusal(self, obj) -> str:
        return _("A notice that is “%(s)s” cannot be marked %(new)s.") % {
            "s": obj.get_status_display(),
            "new": NoticeStatus(self.to_state).label if self.to_state else self.label,
        }

    def guard(self, user, obj, **params):
        return order_live_refusals(obj.order) + list(self.rules(user, obj, **params))

    def rules(self, user, obj, **params) -> list[Refusal]:
        return []

    def changes(self, user, obj, **params) -> dict:
        return {"status_changed_at": timezone.now()} if self.to_state else {}

    def describe(self, obj, **params) -> dict:
        return {"report_date": obj.report_date, "revision": obj.revision, "attendance": obj.attendance}

    def history(self, user, obj, *, note: str = "", channel: str = "", event: str = ""):
        NoticeEvent.objects.create(
            notice=obj,
            status=obj.status,
            event=event or self.history_event or obj.status,
            channel=channel,
            note=note,
            **_user_fields(user),
        )


class DeliverNotice(NoticeAction):
    """A township clerk records hand delivery."""

    event = events.NOTICE_DELIVERED.name
    label = gettext_lazy("Delivered")
    permission = "mobilization.deliver_notice"
    from_states = DELIVERABLE
    to_state = NoticeStatus.DELIVERED

    def effect(self, user, obj, *, note: str = "", channel: str = Channel.HAND, **params):
        self.history(user, obj, note=note, channel=channel)
        return obj


class MarkUndeliverable(DeliverNotice):
    """The notice could not be delivered, with the reason."""

    event = events.NOTICE_UNDELIVERABLE.name
    label = gettext_lazy("Undeliverable")
    from_states = UNDELIVERABLE_FROM
    to_state = NoticeStatus.UNDELIVERABLE

    def validate(self, user, obj, *, note: str = "", **params) -> None:
        if not (note or "").strip():
            raise ValidationError({"note": [_("Say why the notice could not be delivered.")]})


class AcknowledgeNotice(NoticeAction):
    """The reservist confirms receipt: on the verification page (no user: the code is the key) or via a clerk."""

    event = events.NOTICE_ACKNOWLEDGED.name
    label = gettext_lazy("Acknowledge")
    permission = "mobilization.deliver_notice"
    anonymous_allowed = True
    from_states = ACKNOWLEDGEABLE
    to_state = NoticeStatus.ACKNOWLEDGED
    history_event = "acknowledged"

    def done(self, user, obj, **params) -> bool:
        return obj.status == NoticeStatus.ACKNOWLEDGED and not order_live_refusals(obj.order)

    def state_refusal(self, obj) -> str:
        return _("A notice that is “%(s)s” cannot be acknowledged.") % {"s": obj.get_status_display()}

    def effect(self, user, obj, *, note: str = "", via: str = "portal", **params):
        self.history(user, obj, note=note or via)
        return obj


def today() -> datetime.date:
    """The day report-day steps are compared with (one place, so tests can fix it)."""
    return timezone.localdate()


# A notice that no longer binds the person: nothing is recorded for report day.
NOT_BINDING = {NoticeStatus.EXEMPTED, NoticeStatus.WITHDRAWN}


class RecordAttendance(NoticeAction):
    """Present or absent on report day. Presence is a service record (it counts toward the caps of
    Art. 26-28); correcting a presence to absence removes that record again. Recorded from the report day on,
    never months before it, and only on a notice that still binds the person."""

    event = events.NOTICE_ATTENDANCE_RECORDED.name
    label = gettext_lazy("Record attendance")
    permission = "mobilization.record_attendance"
    state_field = "attendance"

    def rules(self, user, obj, **params) -> list[Refusal]:
        if obj.status in NOT_BINDING:
            return [
                Refusal(
                    "attendance.not_binding",
                    _("The notice is “%(s)s”: it no longer binds the person, so no attendance is recorded.")
                    % {"s": obj.get_status_display()},
                )
            ]
        if today() < obj.report_date:
            from core.dates import format_roc

            return [
                Refusal(
                    "attendance.before_report_day",
                    _("Attendance is recorded from the report day on: this notice reports on %(date)s.")
                    % {"date": format_roc(obj.report_date)},
                )
            ]
        return []

    def done(self, user, obj, *, attended=None, **params) -> bool:
        return attended is not None and obj.attendance == (Attendance.PRESENT if attended else Attendance.ABSENT)

    def changes(self, user, obj, *, attended: bool, **params) -> dict:
        return {
            "attendance": Attendance.PRESENT if attended else Attendance.ABSENT,
            "attendance_recorded_at": timezone.now(),
        }

    def effect(self, user, obj, *, attended: bool, note: str = "", **params):
        order = obj.order
        if attended:
            ServiceRecord.objects.create(
                reservist_id=obj.reservist_id,
                mobilization_type=order.mobilization_type,
                start_date=obj.report_date,
                days=order.days,
                source=ServiceSource.PORTAL,
                reference=obj.number,
            )
        else:
            ServiceRecord.objects.filter(
                reservist_id=obj.reservist_id, source=ServiceSource.PORTAL, reference=obj.number
            ).delete()
        self.history(user, obj, note=note, event=f"attendance.{obj.attendance}")
        return obj


DELIVER = DeliverNotice()
UNDELIVERABLE = MarkUndeliverable()
ACKNOWLEDGE = AcknowledgeNotice()
ATTENDANCE = RecordAttendance()


def deliver(*, user, notice: Notice, delivered: bool = True, note: str = "", channel: str = Channel.HAND) -> Notice:
    """A township clerk records hand delivery (or that the notice could not be delivered, with the reason)."""
    (DELIVER if delivered else UNDELIVERABLE).execute(user, notice, note=note, channel=channel)
    return notice


def deliver_many(*, user, order, notices, note: str = "", channel: str = Channel.HAND) -> int:
    """Bulk hand delivery: every notice of `notices` (a queryset, already scoped) still open is delivered.

    The set-based form of DeliverNotice: one UPDATE of the rows still in a deliverable state of a live order,
    one history row per notice, and one named event on the order with the count."""
    if not user.has_perm(DELIVER.permission):
        raise PermissionDenied
    now = timezone.now()
    with audit_context(user, reason=note), transaction.atomic():
        ids = list(
            notices.filter(status__in=DELIVERABLE, order__status__in=LIVE_ORDER)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        Notice.objects.filter(pk__in=ids).update(status=NoticeStatus.DELIVERED, status_changed_at=now, updated_at=now)
        who = _user_fields(user)
        NoticeEvent.objects.bulk_create(
            [
                NoticeEvent(
                    notice_id=pk, status=NoticeStatus.DELIVERED, event="delivered", channel=channel, note=note, **who
                )
                for pk in ids
            ],
            batch_size=2000,
        )
        record(events.ORDER_NOTICES_DELIVERED, user=user, obj=order, after={"delivered": len(ids)}, note=note)
    return len(ids)


def acknowledge(*, user, notice: Notice, via: str = "portal", note: str = "") -> Notice:
    """The reservist confirms receipt: on the verification page (user None) or through a clerk."""
    ACKNOWLEDGE.execute(user, notice, note=note, via=via)
    return notice


# ----- report day ----------------------------------------------------------------------------------


def record_attendance(*, user, notice: Notice, attended: bool, note: str = "") -> Notice:
    ATTENDANCE.execute(user, notice, note=note, attended=attended)
    return notice


# ----- Art. 31 postponement ------------------------------------------------------------------------


def art31_refusals(notice: Notice, days, kind: str | None) -> list[dict]:
    """Every reason Art. 31 refuses this request (empty when it may be granted)."""
    reasons = []
    order = notice.order
    if order.mobilization_type not in POSTPONABLE_TYPES:
        reasons.append(
            {
                "article": "31",
                "item": None,
                "code": "art31.type_not_covered",
                "message": _(
                    "Art. 31 allows postponement only for General, Temporary, Educational and Duty Mobilization, "
                    "not for Roll-Call Mobilization."
                ),
            }
        )
    if days is None or days < 1:
        reasons.append(
            {
                "article": "31",
                "item": None,
                "code": "art31.days_missing",
                "message": _("Give the number of days asked for (1 to 3)."),
            }
        )
    elif days > POSTPONEMENT_MAX_DAYS:
        reasons.append(
            {
                "article": "31",
                "item": None,
                "code": "art31.max_days",
                "message": _("Art. 31: a postponement may not exceed three days (%(n)s asked).") % {"n": days},
            }
        )
    if kind not in PostponementKind.values:  # the ground is required: none, or any other, is refused
        reasons.append(
            {
                "article": "31",
                "item": None,
                "code": "art31.ground",
                "message": _(
                    "Art. 31 allows postponement only for illness or a major event to be handled in person: "
                    "name the ground."
                ),
            }
        )
    if notice.attendance:
        reasons.append(
            {
                "article": "31",
                "item": None,
                "code": "art31.after_report_day",
                "message": _("Attendance has already been recorded for this notice."),
            }
        )
    elif notice.postponements.filter(status__in=[PostponementStatus.REQUESTED, PostponementStatus.APPROVED]).exists():
        reasons.append(
            {
                "article": "31",
                "item": None,
                "code": "art31.already_postponed",
                "message": _("This notice already has a postponement; Art. 31 allows at most three days in all."),
            }
        )
    return reasons


class RequestPostponement(NoticeAction):
    """Record a request; staff of the MND responsible unit (decide_postponement) grant it at once."""

    event = events.NOTICE_POSTPONED.name
    label = gettext_lazy("Request the postponement")
    permission = "mobilization.request_postponement"

    def rules(self, user, obj, *, days=..., kind=None, **params) -> list[Refusal]:
        # Without input (a page deciding whether to offer the form) only what the notice itself rules out.
        reasons = (
            art31_refusals(obj, days, kind) if days is not ... else art31_refusals(obj, 1, PostponementKind.ILLNESS)
        )
        return [art31_refusal(r) for r in reasons]

    def headline(self, check) -> str | None:
        return art31_headline(check)

    def validate(self, user, obj, *, reason: str = "", **params) -> None:
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("Give the reason: the illness or the event to be handled in person.")]})

    def effect(self, user, obj, *, days, reason: str, kind=None, **params):
        postponement = Postponement.objects.create(
            notice=obj,
            kind=kind or "",
            reason=reason.strip(),
            days=days,
            original_report_date=obj.report_date,
            new_report_date=obj.report_date + datetime.timedelta(days=days),
            requested_by=user,
        )
        self.history(
            user,
            obj,
            event="postponement.requested",
            note=_("%(days)s days: %(reason)s") % {"days": days, "reason": reason.strip()},
        )
        return postponement


def art31_headline(check) -> str | None:
    if any(r.code.startswith("art31.") for r in check.refusals):
        return _("The postponement cannot be granted under Art. 31.")
    return None


# The form field each Art. 31 refusal is about (the page shows it beside that field too).
ART31_FIELDS = {"art31.max_days": "days", "art31.days_missing": "days", "art31.ground": "kind"}


def art31_refusal(reason: dict) -> Refusal:
    return Refusal(
        reason["code"],
        reason["message"],
        article=reason["article"],
        item=reason["item"],
        status=400,
        field=ART31_FIELDS.get(reason["code"]),
    )


class DecidePostponement(Action):
    """Grant or refuse. A grant moves the report date by the days asked and reissues the notice (new revision,
    the person is told again through their channels; the PDF is drawn from the notice as it now stands)."""

    model = Postponement
    permission = "mobilization.decide_postponement"
    from_states = {PostponementStatus.REQUESTED}
    state_code = "postponement.decided"

    def state_refusal(self, obj) -> str:
        return _("This postponement has been decided already.")

    def changes(self, user, obj, *, note: str = "", **params) -> dict:
        return {"decided_by": user, "decided_at": timezone.now(), "decision_comment": note}

    def describe(self, obj, **params) -> dict:
        return {"notice": obj.notice_id, "days": obj.days, "report_date": obj.notice.report_date}

    def effect(self, user, obj, *, note: str = "", **params):
        notice = obj.notice
        NoticeEvent.objects.create(
            notice=notice,
            status=notice.status,
            event=f"postponement.{obj.status}",
            note=note or self.history_note(notice),
            **_user_fields(user),
        )
        return obj

    def history_note(self, notice) -> str:
        return ""


class ApprovePostponement(DecidePostponement):
    event = events.POSTPONEMENT_APPROVED.name
    label = gettext_lazy("Approve")
    to_state = PostponementStatus.APPROVED

    def headline(self, check) -> str | None:
        return art31_headline(check)

    def guard(self, user, obj, **params):
        reasons = art31_refusals(obj.notice, obj.days, obj.kind)
        return [art31_refusal(r) for r in reasons if r["code"] != "art31.already_postponed"]

    def effect(self, user, obj, **params):
        notice = obj.notice
        new_date = obj.original_report_date + datetime.timedelta(days=obj.days)
        Notice.objects.filter(pk=notice.pk).update(
            report_date=new_date, revision=notice.revision + 1, updated_at=timezone.now()
        )
        notice.report_date = new_date
        notice.revision += 1
        delivery.send(delivery.person_messages(notice, reissued=True))
        return super().effect(user, obj, **params)

    def history_note(self, notice) -> str:
        return _("New report date %(d)s") % {"d": notice.report_date}


class RefusePostponement(DecidePostponement):
    event = events.POSTPONEMENT_REFUSED.name
    label = gettext_lazy("Refuse")
    to_state = PostponementStatus.REFUSED


POSTPONE = RequestPostponement()
APPROVE_POSTPONEMENT = ApprovePostponement()
REFUSE_POSTPONEMENT = RefusePostponement()
NOTICE_ACTIONS = {"deliver": DELIVER, "acknowledge": ACKNOWLEDGE, "attendance": ATTENDANCE, "postpone": POSTPONE}


def request_postponement(*, user, notice: Notice, days, reason: str, kind: str | None = None) -> Postponement:
    if (reason or "").strip() in PostponementKind.values and not kind:
        kind = reason.strip()
    with transaction.atomic():
        postponement = POSTPONE.execute(user, notice, note=reason or "", days=days, reason=reason or "", kind=kind)
        if user.has_perm(APPROVE_POSTPONEMENT.permission):
            APPROVE_POSTPONEMENT.execute(user, postponement)
            postponement.refresh_from_db()
    return postponement


def decide_postponement(*, user, postponement: Postponement, approve: bool, comment: str = "") -> Postponement:
    action = APPROVE_POSTPONEMENT if approve else REFUSE_POSTPONEMENT
    action.execute(user, postponement, note=comment)
    return postponement
