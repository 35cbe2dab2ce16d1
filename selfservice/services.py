"""What a signed-in reservist sees and does. Every step is on the township offices' own workflows
(mobilization.services.notices), attributed in the audit log to the person (ReservistPrincipal), and written
as a named event.

Nothing here takes a notice id without the person: `notice_of()` answers 404 for anyone else's notice.
"""

from __future__ import annotations

import datetime
import functools

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from core import events, rawsql
from core.audit import audit_context
from core.dates import format_roc
from core.exceptions import TransitionRefused
from core.ratelimit import hit
from reservists.choices import MobilizationType
from reservists.models import ReserveUnit, Reservist, ServiceRecord

from . import codes, uploads
from . import events as ss_events
from .callup import (
    TITLES,
    CallUpOrder,
    Exemption,
    ExemptionDocument,
    ExemptionGround,
    Notice,
    Postponement,
    PostponementKind,
    policy_for,
    request_exemption,
    rules,
)
from .callup import notice_steps as notice_actions
from .choices import ChangeStatus, ContactField, DocumentPurpose, Purpose
from .models import ContactChange, Document

PAST_AFTER_DAYS = 0


# ----- reading -------------------------------------------------------------------------------------


def notices_of(reservist: Reservist):
    return (
        Notice.objects.filter(reservist=reservist)
        .select_related("order", "township__parent", "reserve_unit")
        .order_by("-report_date", "-id")
    )


def callups_of(reservist: Reservist) -> list[dict]:
    """`callup()` of each of the person's notices, newest first: what `notices_of()` gives, without the township
    (a call-up row does not show it), in one query written as SQL. Every signed-in page and the call-ups API
    list these, so the ORM's compiling of a three-table select_related was most of their cost."""
    rows = rawsql.fetch(_callups_sql(), [reservist.pk])
    out = []
    for row in rows:
        notice, after = rawsql.instance(Notice, row)
        notice.order, after = rawsql.instance(CallUpOrder, row, after)
        notice.reserve_unit, _after = rawsql.instance(ReserveUnit, row, after)
        out.append(callup(notice))
    return out


@functools.cache
def _callups_sql() -> str:  # built once, when the models are ready
    return (
        f"SELECT {rawsql.columns(Notice, 'n')}, {rawsql.columns(CallUpOrder, 'o')}, {rawsql.columns(ReserveUnit, 'u')} "
        f"FROM {Notice._meta.db_table} n JOIN {CallUpOrder._meta.db_table} o ON o.id = n.order_id "
        f"LEFT JOIN {ReserveUnit._meta.db_table} u ON u.id = n.reserve_unit_id "
        "WHERE n.reservist_id = %s ORDER BY n.report_date DESC, n.id DESC"
    )


def notice_of(reservist: Reservist, notice_id) -> Notice:
    """The person's own notice, or 404 (someone else's notice does not exist for them)."""
    try:
        pk = int(notice_id)
    except (TypeError, ValueError):
        raise Http404 from None
    notice = notices_of(reservist).filter(pk=pk).first()
    if notice is None:
        raise Http404
    return notice


def report_end(notice: Notice) -> datetime.date:
    return notice.report_date + datetime.timedelta(days=max(notice.order.days - 1, 0))


def is_upcoming(notice: Notice, today: datetime.date | None = None) -> bool:
    return report_end(notice) >= (today or timezone.localdate())


@functools.cache
def _labels(model, field: str) -> dict:
    return dict(model._meta.get_field(field).flatchoices)


def _label(model, field: str, obj):
    """What `obj.get_<field>_display()` gives (a lazy label, read in the active language, or the value itself),
    from the choices read once per process: Django rebuilds the choices dict on every call."""
    value = getattr(obj, field)
    return _labels(model, field).get(value, value)


def callup(notice: Notice) -> dict:
    """One call-up as the person reads it: both calendars, the place, the status and revision."""
    unit = notice.reserve_unit
    return {
        "id": notice.pk,
        "number": notice.number,
        "title": str(
            TITLES.get(notice.order.mobilization_type) or _label(CallUpOrder, "mobilization_type", notice.order)
        ),
        "mobilization_type": notice.order.mobilization_type,
        "order_title": notice.order.title,
        "report_date": notice.report_date.isoformat(),
        "report_date_roc": format_roc(notice.report_date),
        "report_time": notice.report_time.strftime("%H:%M"),
        "days": notice.order.days,
        "assembly_point": notice.assembly_point,
        "unit": unit.name if unit else "",
        "unit_address": unit.assembly_point if unit else "",
        "status": notice.status,
        "status_label": str(_label(Notice, "status", notice)),
        "revision": notice.revision,
        "upcoming": is_upcoming(notice),
        "can_acknowledge": notice.status in notice_actions.ACKNOWLEDGEABLE
        and notice.order.status in notice_actions.LIVE_ORDER,
        "can_postpone": notice.order.mobilization_type in notice_actions.POSTPONABLE_TYPES
        and notice.order.status in notice_actions.LIVE_ORDER
        and not notice.attendance,
    }


@functools.cache
def _service_counts_sql() -> str:
    return (
        f"SELECT mobilization_type, count(*), sum(days) FROM {ServiceRecord._meta.db_table} "
        "WHERE reservist_id = %s GROUP BY mobilization_type"
    )


def service_record(reservist: Reservist, today: datetime.date | None = None) -> list[str]:
    """The person's service as it counts toward the law's limits, in plain words, under the policy in force."""
    today = today or timezone.localdate()
    policy = policy_for(today).params()
    counts: dict[str, int] = {}
    temporary_days = 0
    # Counted by PostgreSQL, in SQL written once: this runs on every signed-in page.
    for kind, times, days in rawsql.fetch(_service_counts_sql(), [reservist.pk]):
        counts[kind] = times
        if kind == MobilizationType.TEMPORARY:
            temporary_days = days
    lines = []
    edu_until = format_roc(rules.add_years(reservist.retirement_date, policy.edu_window_years))
    if policy.edu_duty_combined:
        lines.append(
            _(
                "Educational and Duty Mobilization attended %(count)s times together; under Art. 27 at most "
                "%(max)s times within %(years)s years of retirement, until %(until)s."
            )
            % {
                "count": counts.get(rules.EDUCATIONAL, 0) + counts.get(rules.DUTY, 0),
                "max": policy.edu_max_times,
                "years": policy.edu_window_years,
                "until": edu_until,
            }
        )
    else:
        for kind, label in (
            (rules.EDUCATIONAL, MobilizationType.EDUCATIONAL.label),
            (rules.DUTY, MobilizationType.DUTY.label),
        ):
            lines.append(
                _(
                    "%(type)s attended %(count)s times; under Art. 27 at most %(max)s times within %(years)s years "
                    "of retirement, until %(until)s."
                )
                % {
                    "type": label,
                    "count": counts.get(kind, 0),
                    "max": policy.edu_max_times,
                    "years": policy.edu_window_years,
                    "until": edu_until,
                }
            )
    lines.append(
        _(
            "Roll-Call Mobilization attended %(count)s times; under Art. 28 at most %(max)s times within %(years)s "
            "years of retirement, until %(until)s."
        )
        % {
            "count": counts.get(rules.ROLL_CALL, 0),
            "max": policy.rollcall_max_times,
            "years": policy.rollcall_window_years,
            "until": format_roc(rules.add_years(reservist.retirement_date, policy.rollcall_window_years)),
        }
    )
    lines.append(
        _("Temporary Mobilization: %(days)s days in camp; under Art. 26 at most %(cap)s days in all in ordinary time.")
        % {"days": temporary_days, "cap": policy.temporary_cap_days}
    )
    return lines


def requests_of(reservist: Reservist) -> list[dict]:
    """The person's postponement and exemption requests with their decisions, newest first."""
    return sorted(postponements_of(reservist) + exemptions_of(reservist), key=lambda r: r["requested_at"], reverse=True)


def exemptions_of(reservist: Reservist) -> list[dict]:
    rows = (
        Exemption.objects.filter(notice__reservist=reservist, area__isnull=True)
        .select_related("notice", "ground")
        .prefetch_related("documents")
        .order_by("-id")
    )
    return [
        {
            "id": e.pk,
            "kind": "exemption",
            "notice": e.notice_id,
            "notice_number": e.notice.number,
            "ground": e.ground.code,
            "ground_label": e.ground.name,
            "reason": e.note,
            "days": None,
            "new_report_date": None,
            "new_report_date_roc": "",
            "status": e.status,
            "status_label": str(e.get_status_display()),
            "decided_at": e.decided_at.isoformat() if e.decided_at else None,
            "decision_comment": e.decision_comment,
            "requested_at": e.created_at.isoformat(),
            "documents": [
                {"id": d.pk, "name": d.name, "content_type": d.content_type, "kind": "exemption"}
                for d in e.documents.all()
            ],
        }
        for e in rows
    ]


def grounds():
    return ExemptionGround.objects.filter(active=True).order_by("position", "code")


def postponements_of(reservist: Reservist) -> list[dict]:
    rows = (
        Postponement.objects.filter(notice__reservist=reservist)
        .select_related("notice")
        .prefetch_related("documents")
        .order_by("-id")
    )
    return [
        {
            "id": p.pk,
            "kind": "postponement",
            "notice": p.notice_id,
            "notice_number": p.notice.number,
            "ground": p.kind,
            "ground_label": str(p.get_kind_display()) if p.kind else "",
            "reason": p.reason,
            "days": p.days,
            "new_report_date": p.new_report_date.isoformat(),
            "new_report_date_roc": format_roc(p.new_report_date),
            "status": p.status,
            "status_label": str(p.get_status_display()),
            "decided_at": p.decided_at.isoformat() if p.decided_at else None,
            "decision_comment": p.decision_comment,
            "requested_at": p.created_at.isoformat(),
            "documents": [
                {"id": d.pk, "name": d.original_name, "content_type": d.content_type, "kind": "postponement"}
                for d in p.documents.all()
            ],
        }
        for p in rows
    ]


def delivery_address(reservist: Reservist) -> str:
    """Where the next notices go (the call-up notice PDF prints the same: Reservist.notice_address)."""
    return reservist.notice_address


def view_event(principal, event, obj=None, **after) -> None:
    events.record(event, user=principal, obj=obj, after={"reservist": principal.reservist.pk, **after})


# ----- doing ---------------------------------------------------------------------------------------


def acknowledge(principal, notice: Notice) -> Notice:
    """Receipt confirmed by the person: the same step as on the verification page and at the township office."""
    with audit_context(principal), transaction.atomic():
        before = notice.status
        notice_actions.acknowledge(user=None, notice=notice, via="selfservice")
        if before != notice.status:
            events.record(
                ss_events.NOTICE_ACKNOWLEDGED,
                user=principal,
                obj=notice,
                before={"status": before},
                after={"status": notice.status},
            )
    return notice


class PersonRequestsPostponement(notice_actions.RequestPostponement):
    """The township office's Art. 31 step (same refusals citing the article, same history and event), asked by
    the person themself: no staff user acts, the self-service session identified them and `notice_of()`
    checked that the notice is theirs. The request waits for the MND unit's decision."""

    anonymous_allowed = True


PERSON_POSTPONE = PersonRequestsPostponement()


def postpone(principal, notice: Notice, *, days, kind: str, reason: str, files=()) -> Postponement:
    """An Art. 31 request with documents, through the township office's workflow (same refusals, same article).
    It waits in the office's postponement worklist for a decision."""
    checked = uploads.check_all(files)
    if kind not in PostponementKind.values:
        raise ValidationError({"kind": [_("Choose the ground: illness or a major personal event.")]})
    try:
        with audit_context(principal), transaction.atomic():
            postponement = PERSON_POSTPONE.execute(None, notice, note=reason, days=days, reason=reason, kind=kind)
            save_documents(principal.reservist, notice, files, checked, DocumentPurpose.POSTPONEMENT, postponement)
            events.record(
                ss_events.POSTPONEMENT_REQUESTED,
                user=principal,
                obj=postponement,
                after={"notice": notice.pk, "days": days, "kind": kind, "documents": len(checked)},
                note=reason,
            )
    except TransitionRefused as refused:
        # Nothing was recorded but the refusal itself, with the codes of the articles that refused it.
        events.record(
            ss_events.POSTPONEMENT_REFUSED,
            user=principal,
            obj=notice,
            after={"days": days, "kind": kind, "reasons": [r.get("code") for r in refused.reasons]},
            note=reason,
        )
        raise
    return postponement


def exempt(principal, notice: Notice, *, ground: str, note: str, files=()) -> Exemption:
    """An exemption from this call-up (免召) with a ground and documents: the call-up lifecycle's own request,
    which waits in the township office's and the MND unit's worklist for a decision."""
    uploads.check_all(files)
    with audit_context(principal), transaction.atomic():
        exemption = request_exemption(
            user=None,
            notice=notice,
            ground=ground,
            note=note,
            documents=list(files),
            requester_name=principal.get_username(),
        )
        events.record(
            ss_events.EXEMPTION_REQUESTED,
            user=principal,
            obj=exemption,
            after={"notice": notice.pk, "ground": ground, "documents": len(files)},
            note=note,
        )
    return exemption


def document_of(reservist: Reservist, kind: str, pk):
    """(file field, content type, object) of one of the person's own documents, or 404."""
    if kind == "exemption":
        document = ExemptionDocument.objects.filter(pk=pk, exemption__notice__reservist=reservist).first()
    else:
        document = Document.objects.filter(pk=pk, reservist=reservist).first()
    if document is None:
        raise Http404
    return document


def save_documents(reservist, notice, files, checked, purpose, postponement=None) -> list[Document]:
    saved = []
    for upload, info in zip(files, checked, strict=True):
        document = Document(
            reservist=reservist,
            notice=notice,
            purpose=purpose,
            postponement=postponement,
            content_type=info["content_type"],
            size=info["size"],
            sha256=info["sha256"],
            original_name=info["name"],
        )
        document.file.save("upload", upload, save=False)
        document.save()
        saved.append(document)
    return saved


# ----- contact details -----------------------------------------------------------------------------

PHONE_CHARS = set("0123456789+")


def clean_phone(value: str) -> str:
    phone = "".join(ch for ch in str(value or "") if ch not in " -()")
    if not phone or set(phone) - PHONE_CHARS or not (9 <= len(phone.lstrip("+")) <= 15):
        raise ValidationError({"phone": [_("Enter a phone number like 0912345678 or +886912345678.")]})
    return phone


def clean_email(value: str) -> str:
    email = str(value or "").strip()
    try:
        EmailValidator()(email)
    except ValidationError:
        raise ValidationError({"email": [_("Enter a valid e-mail address.")]}) from None
    return email


def clean_address(value: str) -> str:
    address = " ".join(str(value or "").split())
    if len(address) < 6 or len(address) > 300:
        raise ValidationError({"delivery_address": [_("Enter the full address (6 to 300 characters).")]})
    return address


def request_contact_change(principal, field: str, value: str) -> str:
    """A new phone or e-mail: a code goes to the new one; returns the token for confirming it."""
    person = principal.reservist
    value = clean_phone(value) if field == ContactField.PHONE else clean_email(value)
    allowed, _wait = hit("selfservice_contact", str(person.pk))
    if not allowed:
        raise TransitionRefused(_("Too many codes were asked for; please wait and try again later."), status_code=429)
    purpose = Purpose.CONFIRM_PHONE if field == ContactField.PHONE else Purpose.CONFIRM_EMAIL
    with audit_context(principal), transaction.atomic():
        token, code, challenge = codes.issue(
            purpose=purpose, reservist_id=person.pk, new_value=value, channel="sms" if field == "phone" else "email"
        )
        change = ContactChange.objects.create(
            reservist=person, field=field, old_value=getattr(person, field), new_value=value, challenge=challenge
        )
        events.record(ss_events.CONTACT_REQUESTED, user=principal, obj=change, after={"field": field, "value": value})
    from .tasks import send_signin_code

    send_signin_code.delay(challenge.pk, code)
    return token


def confirm_contact_change(principal, token: str, code: str) -> ContactChange:
    person = principal.reservist
    change = (
        ContactChange.objects.filter(
            reservist=person, status=ChangeStatus.PENDING, challenge__token_hash=codes.token_hash(token or "")
        )
        .select_related("challenge")
        .first()
    )
    if change is None:
        raise ValidationError({"code": [_("There is no change waiting for this code; ask for a new one.")]})
    outcome, _challenge = codes.redeem(token, code, purpose=change.challenge.purpose)
    if outcome != codes.Outcome.OK:
        if outcome in (codes.Outcome.LOCKED, codes.Outcome.GONE):
            ContactChange.objects.filter(pk=change.pk, status=ChangeStatus.PENDING).update(status=ChangeStatus.EXPIRED)
            raise ValidationError({"code": [_("This code has expired or was tried too often; ask for a new one.")]})
        raise ValidationError({"code": [_("The code is not right. Nothing was changed.")]})
    return _apply(principal, change)


def change_delivery_address(principal, value: str) -> ContactChange:
    """Recorded at once for the next notices, and shown to the township office."""
    person = principal.reservist
    value = clean_address(value)
    with audit_context(principal), transaction.atomic():
        change = ContactChange.objects.create(
            reservist=person, field=ContactField.DELIVERY_ADDRESS, old_value=delivery_address(person), new_value=value
        )
        return _apply(principal, change)


def _apply(principal, change: ContactChange) -> ContactChange:
    now = timezone.now()
    with audit_context(principal), transaction.atomic():
        moved = ContactChange.objects.filter(pk=change.pk, status=ChangeStatus.PENDING).update(
            status=ChangeStatus.CONFIRMED, confirmed_at=now, updated_at=now
        )
        if moved != 1:
            raise ValidationError({"code": [_("This change was confirmed already.")]})
        # The registry row carries it from now on: the township office's page, the next notice PDFs and deliveries.
        Reservist.objects.filter(pk=change.reservist_id).update(**{change.field: change.new_value, "updated_at": now})
        setattr(principal.reservist, change.field, change.new_value)
        change.status = ChangeStatus.CONFIRMED
        change.confirmed_at = now
        events.record(
            ss_events.CONTACT_CHANGED,
            user=principal,
            obj=change,
            before={change.field: change.old_value},
            after={change.field: change.new_value},
        )
    return change


def contact_of(reservist: Reservist) -> dict:
    return {"phone": reservist.phone, "email": reservist.email, "delivery_address": delivery_address(reservist)}
