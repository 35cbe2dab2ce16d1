"""Workflow steps on notices: delivery, acknowledgement, attendance on report day, Art. 31 postponements.

Each step checks permission and scope, runs in a transaction with a guarded update (the notice must still be
in a state the step allows), and writes the notice's history (NoticeEvent); the row triggers write the audit log.
A refusal raises TransitionRefused with reasons like the rules engine's (article, item, code, message).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import STALE_STATE, TransitionRefused
from core.scope import ensure_in_scope
from reservists.choices import MobilizationType, ServiceSource
from reservists.models import ServiceRecord

from ..choices import OrderStatus
from . import delivery
from .choices import (
    POSTPONEMENT_MAX_DAYS,
    Attendance,
    Channel,
    NoticeStatus,
    PostponementKind,
    PostponementStatus,
)
from .models import Notice, NoticeEvent, Postponement

# Which statuses each delivery step may start from.
DELIVERABLE = {NoticeStatus.ISSUED, NoticeStatus.SENT, NoticeStatus.UNDELIVERABLE}
UNDELIVERABLE_FROM = {NoticeStatus.ISSUED, NoticeStatus.SENT}
ACKNOWLEDGEABLE = {NoticeStatus.ISSUED, NoticeStatus.SENT, NoticeStatus.DELIVERED}
LIVE_ORDER = {OrderStatus.ISSUED, OrderStatus.ISSUING}
# Art. 31 names these four; Roll-Call Mobilization has no postponement.
POSTPONABLE_TYPES = {
    MobilizationType.GENERAL,
    MobilizationType.TEMPORARY,
    MobilizationType.EDUCATIONAL,
    MobilizationType.DUTY,
}


def _require(user, perm: str, notice: Notice) -> None:
    if user is None or not user.has_perm(perm):
        raise PermissionDenied
    ensure_in_scope(user, notice)


def _user_fields(user) -> dict:
    if user is None or not getattr(user, "is_authenticated", False):
        return {"user": None, "user_name": ""}
    return {"user": user, "user_name": user.get_username()}


def _refuse(message, code: str, article: str | None = None, item: str | None = None, status_code: int = 409):
    raise TransitionRefused(
        message,
        reasons=[{"article": article, "item": item, "code": code, "message": message}],
        status_code=status_code,
    )


def _order_live(notice: Notice) -> None:
    if notice.order.status not in LIVE_ORDER:
        _refuse(
            _("The order of this notice is “%(s)s”: nothing more can be recorded on it.")
            % {"s": notice.order.get_status_display()},
            "order.wrong_status",
        )


def _move(notice: Notice, allowed: set, new: str, *, user, event: str, channel: str = "", note: str = "") -> None:
    now = timezone.now()
    changed = Notice.objects.filter(pk=notice.pk, status__in=allowed).update(
        status=new, status_changed_at=now, updated_at=now
    )
    if changed != 1:
        raise TransitionRefused(STALE_STATE)
    notice.status = new
    notice.status_changed_at = now
    NoticeEvent.objects.create(notice=notice, status=new, event=event, channel=channel, note=note, **_user_fields(user))


# ----- delivery ------------------------------------------------------------------------------------


def deliver(*, user, notice: Notice, delivered: bool = True, note: str = "", channel: str = Channel.HAND) -> Notice:
    """A township clerk records hand delivery (or that the notice could not be delivered, with the reason)."""
    _require(user, "mobilization.deliver_notice", notice)
    _order_live(notice)
    if not delivered and not note.strip():
        raise ValidationError({"note": [_("Say why the notice could not be delivered.")]})
    allowed = DELIVERABLE if delivered else UNDELIVERABLE_FROM
    if notice.status not in allowed:
        _refuse(
            _("A notice that is “%(s)s” cannot be marked %(new)s.")
            % {
                "s": notice.get_status_display(),
                "new": NoticeStatus.DELIVERED.label if delivered else NoticeStatus.UNDELIVERABLE.label,
            },
            "notice.wrong_status",
        )
    with transaction.atomic():
        new = NoticeStatus.DELIVERED if delivered else NoticeStatus.UNDELIVERABLE
        _move(notice, allowed, new, user=user, event=new, channel=channel, note=note)
    return notice


def deliver_many(*, user, notices, note: str = "", channel: str = Channel.HAND) -> int:
    """Bulk hand delivery: every notice of `notices` (a queryset, already scoped) still open is delivered."""
    if not user.has_perm("mobilization.deliver_notice"):
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
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
    return len(ids)


def acknowledge(*, user, notice: Notice, via: str = "portal", note: str = "") -> Notice:
    """The reservist confirms receipt: on the verification page (user None) or through a clerk."""
    if user is not None and getattr(user, "is_authenticated", False):
        _require(user, "mobilization.deliver_notice", notice)
    _order_live(notice)
    if notice.status == NoticeStatus.ACKNOWLEDGED:
        return notice
    if notice.status not in ACKNOWLEDGEABLE:
        _refuse(
            _("A notice that is “%(s)s” cannot be acknowledged.") % {"s": notice.get_status_display()},
            "notice.wrong_status",
        )
    with transaction.atomic():
        _move(notice, ACKNOWLEDGEABLE, NoticeStatus.ACKNOWLEDGED, user=user, event="acknowledged", note=note or via)
    return notice


# ----- report day ----------------------------------------------------------------------------------


def record_attendance(*, user, notice: Notice, attended: bool, note: str = "") -> Notice:
    """Present or absent on report day. Presence is a service record (it counts toward the caps of
    Art. 26-28); correcting a presence to absence removes that record again."""
    _require(user, "mobilization.record_attendance", notice)
    _order_live(notice)
    value = Attendance.PRESENT if attended else Attendance.ABSENT
    order = notice.order
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.attendance == value:
            return locked
        now = timezone.now()
        Notice.objects.filter(pk=notice.pk).update(attendance=value, attendance_recorded_at=now, updated_at=now)
        if attended:
            ServiceRecord.objects.create(
                reservist_id=notice.reservist_id,
                mobilization_type=order.mobilization_type,
                start_date=locked.report_date,
                days=order.days,
                source=ServiceSource.PORTAL,
                reference=notice.number,
            )
        else:
            ServiceRecord.objects.filter(
                reservist_id=notice.reservist_id, source=ServiceSource.PORTAL, reference=notice.number
            ).delete()
        NoticeEvent.objects.create(
            notice=notice, event=f"attendance.{value}", note=note, status=locked.status, **_user_fields(user)
        )
    notice.attendance = value
    notice.attendance_recorded_at = now
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
    if kind and kind not in PostponementKind.values:
        reasons.append(
            {
                "article": "31",
                "item": None,
                "code": "art31.ground",
                "message": _("Art. 31 allows postponement only for illness or a major event to be handled in person."),
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


def request_postponement(
    *, user, notice: Notice, days, reason: str, kind: str | None = None, by_person: bool = False
) -> Postponement:
    """Record a request; staff of the MND responsible unit (decide_postponement) grant it at once.
    `by_person`: the reservist asks in self-service (user None; the caller checked the notice is theirs)."""
    if not by_person:
        _require(user, "mobilization.request_postponement", notice)
    _order_live(notice)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason: the illness or the event to be handled in person.")]})
    if (reason or "").strip() in PostponementKind.values and not kind:
        kind = reason.strip()
    refusals = art31_refusals(notice, days, kind)
    if refusals:
        raise TransitionRefused(
            _("The postponement cannot be granted under Art. 31."), reasons=refusals, status_code=400
        )
    with transaction.atomic():
        Notice.objects.select_for_update().filter(pk=notice.pk).first()
        postponement = Postponement.objects.create(
            notice=notice,
            kind=kind or "",
            reason=reason.strip(),
            days=days,
            original_report_date=notice.report_date,
            new_report_date=notice.report_date + datetime.timedelta(days=days),
            requested_by=user,
        )
        NoticeEvent.objects.create(
            notice=notice,
            status=notice.status,
            event="postponement.requested",
            note=_("%(days)s days: %(reason)s") % {"days": days, "reason": reason.strip()},
            **_user_fields(user),
        )
        if user is not None and user.has_perm("mobilization.decide_postponement"):
            decide_postponement(user=user, postponement=postponement, approve=True)
    return postponement


def decide_postponement(*, user, postponement: Postponement, approve: bool, comment: str = "") -> Postponement:
    """Grant or refuse. A grant moves the report date by the days asked and reissues the notice (new revision,
    the person is told again through their channels; the PDF is drawn from the notice as it now stands)."""
    notice = postponement.notice
    _require(user, "mobilization.decide_postponement", notice)
    if postponement.status != PostponementStatus.REQUESTED:
        _refuse(_("This postponement has been decided already."), "postponement.decided")
    if approve:
        refusals = [
            r
            for r in art31_refusals(notice, postponement.days, postponement.kind)
            if r["code"] != "art31.already_postponed"
        ]
        if refusals:
            raise TransitionRefused(
                _("The postponement cannot be granted under Art. 31."), reasons=refusals, status_code=400
            )
    now = timezone.now()
    with transaction.atomic():
        new_status = PostponementStatus.APPROVED if approve else PostponementStatus.REFUSED
        changed = Postponement.objects.filter(pk=postponement.pk, status=PostponementStatus.REQUESTED).update(
            status=new_status, decided_by=user, decided_at=now, decision_comment=comment, updated_at=now
        )
        if changed != 1:
            raise TransitionRefused(STALE_STATE)
        postponement.status = new_status
        postponement.decided_by = user
        postponement.decided_at = now
        postponement.decision_comment = comment
        event = "postponement.approved" if approve else "postponement.refused"
        if approve:
            new_date = postponement.original_report_date + datetime.timedelta(days=postponement.days)
            Notice.objects.filter(pk=notice.pk).update(
                report_date=new_date, revision=notice.revision + 1, updated_at=now
            )
            notice.report_date = new_date
            notice.revision += 1
            delivery.send(delivery.person_messages(notice, reissued=True))
        NoticeEvent.objects.create(
            notice=notice,
            status=notice.status,
            event=event,
            note=comment or (_("New report date %(d)s") % {"d": notice.report_date} if approve else ""),
            **_user_fields(user),
        )
    return postponement
