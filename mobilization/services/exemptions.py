"""Exemption from one call-up (免召), releasing a notice whose person can no longer serve, and the bulk exemption
of a disaster area. Each step is a core.actions.Action with a named event; the place each one opens in the call
is filled by replacement (replacement.py) unless the decider chose not to.

`request_exemption()` is the one entry point for a township office, MND staff (whose request takes effect at
once) and self-service (a reservist, `user=None`, already identified by the self-service sign-in).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, override

from core import downloads, events
from core.actions import Action, ActionRefused, Check, Refusal

from .. import events_lifecycle as ev
from ..choices import Channel, ExemptionStatus, GapReason, NoticeStatus, OrderStatus
from ..models import AreaExemption, CallUpOrder, Exemption, ExemptionDocument, ExemptionGround, Notice
from . import delivery, replacement
from .lifecycle import OPEN, add_notice_events, order_live_refusals, user_fields
from .notice_pdf import verify_link, verify_url

MAX_DOCUMENTS = 5
# What an uploaded document may be, told by its first bytes (never by its name or the browser's word).
MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def document_limit() -> int:
    return int(getattr(settings, "EXEMPTION_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024))


def sniff(upload) -> str | None:
    """The content type of an uploaded file by its magic bytes, or None if it is not a PDF, PNG or JPEG."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return None


def document_refusals(documents) -> list[Refusal]:
    refusals = []
    if len(documents) > MAX_DOCUMENTS:
        refusals.append(
            Refusal(
                "documents.too_many",
                gettext_lazy("At most %(n)s documents can be attached.") % {"n": MAX_DOCUMENTS},
                field="documents",
            )
        )
    for upload in documents:
        if upload.size > document_limit():
            refusals.append(
                Refusal(
                    "documents.too_large",
                    _("%(name)s is larger than %(mb)s MB.")
                    % {"name": upload.name, "mb": document_limit() // (1024 * 1024)},
                    field="documents",
                )
            )
        elif sniff(upload) is None:
            refusals.append(
                Refusal(
                    "documents.type",
                    _("%(name)s is not a PDF, PNG or JPEG file.") % {"name": upload.name},
                    field="documents",
                )
            )
    return refusals


def ground_refusals(ground) -> list[Refusal]:
    if not isinstance(ground, ExemptionGround) or not ground.active:
        return [Refusal("ground.unknown", _("Choose one of the exemption grounds in use."), field="ground")]
    return []


def find_ground(code) -> ExemptionGround | None:
    if isinstance(code, ExemptionGround):
        return code
    return ExemptionGround.objects.filter(code=str(code or ""), active=True).first()


# What each person is told (SMS and e-mail), translated once per alert run and filled per notice.
ALERT_TEXTS = {
    "exempted": gettext_noop(
        "Your call-up notice %(number)s no longer binds you: you are exempted from this call-up. See %(url)s"
    ),
    "withdrawn": gettext_noop("Your call-up notice %(number)s is withdrawn and no longer binds you. See %(url)s"),
}


def _alert(notice_ids, kind: str, *, living_only: bool = False) -> None:
    """SMS and e-mail to each person (the post goes with the township's next print batch): one query for the
    numbers, codes and contacts, the text translated once (thousands at once after a disaster area)."""
    ids = list(notice_ids)
    if not ids:
        return
    link = verify_link()
    messages = []
    with override("zh-hant"):
        text, subject = _(ALERT_TEXTS[kind]), _("Call-up notice %(number)s")
    for start in range(0, len(ids), 10_000):
        rows = Notice.objects.filter(pk__in=ids[start : start + 10_000])
        if living_only:
            rows = rows.exclude(reservist__status="deceased")
        for pk, number, code, phone, email in rows.order_by("pk").values_list(
            "pk", "number", "verification_code", "reservist__phone", "reservist__email"
        ):
            values = {"number": number, "url": link(code)}
            if phone:
                messages.append(delivery.OutgoingMessage(Channel.SMS, phone, text % values, notice_id=pk))
            if email:
                messages.append(
                    delivery.OutgoingMessage(
                        Channel.EMAIL, email, text % values, subject=subject % values, notice_id=pk
                    )
                )
    if messages:
        delivery.send(messages)


def exempted_text(notice) -> str:
    return _("Your call-up notice %(number)s no longer binds you: you are exempted from this call-up. See %(url)s") % {
        "number": notice.number,
        "url": verify_url(notice.verification_code),
    }


# ----- one notice ----------------------------------------------------------------------------------


class ExemptionInput:
    """Checks shared by requesting and granting an exemption on a notice."""

    model = Notice
    from_states = set(OPEN)
    state_code = "notice.wrong_status"

    def guard(self, user, notice, **params):
        refusals = order_live_refusals(notice.order)
        if notice.attendance:
            refusals.append(
                Refusal("notice.attended", _("Attendance is recorded on this notice: it cannot be exempted."))
            )
        if Exemption.objects.filter(notice=notice, status__in=[ExemptionStatus.REQUESTED, ExemptionStatus.APPROVED]):
            refusals.append(Refusal("exemption.standing", _("An exemption of this notice is already standing.")))
        if "ground" in params:  # the input (absent when a page only asks whether to offer the form)
            refusals += ground_refusals(params["ground"]) + document_refusals(list(params.get("documents") or ()))
        return refusals

    def check(self, user, obj, *, note: str = "", require_note: bool = True, **params) -> Check:
        if user is not None:
            return super().check(user, obj, note=note, require_note=require_note, **params)
        # A reservist's own request, identified by self-service (the caller checked it is their notice).
        if obj.status not in self.from_states:
            return Check(self, 409, [Refusal(self.state_code, self.state_refusal(obj))])
        refusals = self.guard(user, obj, **params)
        if refusals:
            return Check(self, 400 if all(r.field for r in refusals) else 409, refusals)
        return Check(self)

    def _record(self, user, notice, *, status, ground, note, replace, documents, requester_name="", **params):
        who = user_fields(user)
        decided = status == ExemptionStatus.APPROVED
        exemption = Exemption.objects.create(
            notice=notice,
            ground=ground,
            note=note or "",
            replace=bool(replace),
            status=status,
            requested_by=who["user"],
            requested_by_name=who["user_name"] or requester_name,
            decided_by=who["user"] if decided else None,
            decided_at=timezone.now() if decided else None,
        )
        for upload in documents or ():
            save_document(exemption, upload, who["user_name"] or requester_name)
        return exemption


class RequestExemption(ExemptionInput, Action):
    """A township office (or the reservist) asks for an exemption; the MND unit decides."""

    event = ev.EXEMPTION_REQUESTED.name
    label = gettext_lazy("Request exemption")
    permission = "mobilization.request_exemption"
    to_state = None

    def effect(self, user, notice, note="", ground=None, replace=True, documents=(), **params):
        exemption = self._record(
            user,
            notice,
            status=ExemptionStatus.REQUESTED,
            ground=ground,
            note=note,
            replace=replace,
            documents=documents,
            requester_name=params.get("requester_name", ""),
        )
        add_notice_events([notice.pk], event="exemption.requested", status=notice.status, note=note, user=user)
        return exemption

    def describe(self, obj, **params) -> dict:
        ground = params.get("ground")
        return {"ground": ground.code if isinstance(ground, ExemptionGround) else None}


class GrantExemption(ExemptionInput, Action):
    """MND staff exempt a notice at once (their own request is the decision)."""

    event = ev.EXEMPTION_APPROVED.name
    label = gettext_lazy("Exempt")
    permission = "mobilization.decide_exemption"
    to_state = NoticeStatus.EXEMPTED

    def changes(self, user, notice, **params):
        return {"status_changed_at": timezone.now()}

    def effect(self, user, notice, note="", ground=None, replace=True, documents=(), **params):
        exemption = self._record(
            user,
            notice,
            status=ExemptionStatus.APPROVED,
            ground=ground,
            note=note,
            replace=replace,
            documents=documents,
        )
        exempt_effect(user, notice, exemption, note)
        return exemption

    def describe(self, obj, **params) -> dict:
        ground = params.get("ground")
        return {"ground": ground.code if isinstance(ground, ExemptionGround) else None}


def exempt_effect(user, notice, exemption, note: str) -> None:
    """After a notice became `exempted`: its history, the person told, the gap opened and filled."""
    add_notice_events([notice.pk], event="exempted", status=NoticeStatus.EXEMPTED, note=note, user=user)
    _alert([notice.pk], "exempted")
    pending = replacement.open_gaps(notice.order, [notice.pk], GapReason.EXEMPTED, replace=exemption.replace)
    replacement.schedule(notice.order, pending, user)


def save_document(exemption: Exemption, upload, uploaded_by: str = "") -> ExemptionDocument:
    """Stored through Django's default storage (local disk or object storage), never by a path of ours."""
    kind = sniff(upload)
    name = get_valid_filename(upload.name.rsplit("/", 1)[-1])[:150] or "document"
    document = ExemptionDocument(
        exemption=exemption, name=name, content_type=kind or "", size=upload.size, uploaded_by_name=uploaded_by
    )
    document.file.save(name, upload, save=False)
    document.save()
    return document


def request_exemption(
    *, user, notice: Notice, ground, note: str = "", documents=(), replace: bool = True, requester_name: str = ""
) -> Exemption:
    """Request an exemption of `notice` from its call-up, with a ground code (or ExemptionGround), a note and
    uploaded documents. MND staff (`decide_exemption`) exempt at once; a township office's request, and a
    reservist's own (`user=None`, `requester_name` saying who), waits for the MND unit's decision.
    Raises ActionRefused (400 for bad input, 409 for the wrong state) or Http404 (out of scope)."""
    ground_row = find_ground(ground)
    params = {"ground": ground_row, "note": note, "documents": list(documents or ()), "replace": replace}
    if user is not None and user.has_perm("mobilization.decide_exemption"):
        return GrantExemption().execute(user, notice, **params)
    return RequestExemption().execute(user, notice, requester_name=requester_name, **params)


# ----- deciding a request --------------------------------------------------------------------------


class DecideExemption(Action):
    model = Exemption
    permission = "mobilization.decide_exemption"
    from_states = {ExemptionStatus.REQUESTED}
    state_code = "exemption.wrong_status"

    def changes(self, user, exemption, note="", **params):
        return {"decided_by": user, "decided_at": timezone.now(), "decision_comment": note or ""}


class ApproveExemption(DecideExemption):
    event = ev.EXEMPTION_APPROVED.name
    label = gettext_lazy("Approve")
    to_state = ExemptionStatus.APPROVED

    def guard(self, user, exemption, **params):
        notice = exemption.notice
        refusals = order_live_refusals(notice.order)
        if notice.status not in OPEN:
            refusals.append(
                Refusal(
                    "notice.wrong_status",
                    _("The notice is “%(s)s”: it can no longer be exempted.") % {"s": notice.get_status_display()},
                )
            )
        return refusals

    def effect(self, user, exemption, note="", **params):
        notice = exemption.notice
        now = timezone.now()
        changed = Notice.objects.filter(pk=notice.pk, status__in=OPEN).update(
            status=NoticeStatus.EXEMPTED, status_changed_at=now, updated_at=now
        )
        if changed != 1:
            raise ActionRefused(Check(self, 409, [Refusal("stale", _("The notice changed meanwhile; try again."))]))
        notice.status = NoticeStatus.EXEMPTED
        exempt_effect(user, notice, exemption, note)
        return exemption


class RefuseExemption(DecideExemption):
    event = ev.EXEMPTION_REFUSED.name
    label = gettext_lazy("Refuse")
    to_state = ExemptionStatus.REFUSED
    requires_note = True

    def effect(self, user, exemption, note="", **params):
        notice = exemption.notice
        add_notice_events([notice.pk], event="exemption.refused", status=notice.status, note=note, user=user)
        return exemption


# ----- releasing a notice (undeliverable, ineligible, moved away) -----------------------------------


class ReleaseNotice(Action):
    """The MND unit takes a notice out of the call (its person cannot be reached or may no longer serve) and
    its place goes to the next candidate. The notice is withdrawn, and the person told."""

    model = Notice
    event = ev.NOTICE_RELEASED.name
    label = gettext_lazy("Replace this person")
    permission = "mobilization.decide_exemption"
    from_states = set(OPEN)
    to_state = NoticeStatus.WITHDRAWN
    requires_note = True
    state_code = "notice.wrong_status"
    REASONS = (GapReason.UNDELIVERABLE, GapReason.INELIGIBLE, GapReason.MOVED)

    def guard(self, user, notice, **params):
        refusals = order_live_refusals(notice.order)
        reason = params.get("reason")
        if "reason" not in params:
            pass  # a page asking whether to offer the form
        elif reason not in self.REASONS:
            refusals.append(
                Refusal("reason.unknown", _("Say why: undeliverable, ineligible or moved."), field="reason")
            )
        elif reason == GapReason.UNDELIVERABLE and notice.status != NoticeStatus.UNDELIVERABLE:
            refusals.append(
                Refusal(
                    "notice.not_undeliverable", _("Only a notice recorded as undeliverable can be released as such.")
                )
            )
        if notice.attendance:
            refusals.append(Refusal("notice.attended", _("Attendance is recorded on this notice.")))
        return refusals

    def changes(self, user, notice, **params):
        return {"status_changed_at": timezone.now()}

    def effect(self, user, notice, note="", reason=None, replace=True, **params):
        add_notice_events([notice.pk], event=f"released.{reason}", status=NoticeStatus.WITHDRAWN, note=note, user=user)
        if reason != GapReason.UNDELIVERABLE:
            _alert([notice.pk], "withdrawn")
        pending = replacement.open_gaps(notice.order, [notice.pk], reason, replace=replace)
        return replacement.schedule(notice.order, pending, user)

    def describe(self, obj, **params) -> dict:
        return {"reason": params.get("reason")}


def withdrawn_text(notice) -> str:
    return _("Your call-up notice %(number)s is withdrawn and no longer binds you. See %(url)s") % {
        "number": notice.number,
        "url": verify_url(notice.verification_code),
    }


# ----- a disaster area -----------------------------------------------------------------------------


class ExemptArea(Action):
    """Every open notice of one order in the chosen townships, exempted with one ground. Then either replace
    from outside those townships, or lower the quota by the number exempted."""

    model = CallUpOrder
    event = ev.AREA_EXEMPTED.name
    label = gettext_lazy("Exempt a disaster area")
    permission = "mobilization.decide_exemption"
    from_states = {OrderStatus.ISSUED}
    state_code = "order.wrong_status"
    requires_note = True

    def guard(self, user, order, **params):
        if "ground" not in params:  # a page asking whether to offer the form
            return []
        refusals = ground_refusals(params["ground"])
        if not params.get("townships"):
            refusals.append(Refusal("townships.empty", _("Choose at least one township."), field="townships"))
        return refusals

    def describe(self, order, **params) -> dict:
        return {"quota": order.quota, "townships": [t.code for t in params.get("townships") or ()]}

    def effect(self, user, order, note="", townships=(), ground=None, replace=True, **params):
        area = AreaExemption.objects.create(
            order=order,
            ground=ground,
            reason=note,
            replace=replace,
            quota_before=order.quota,
            quota_after=order.quota,
            decided_by=user,
            decided_by_name=user.get_username(),
        )
        area.townships.set(townships)
        township_ids = [t.pk for t in townships]
        now = timezone.now()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {Notice._meta.db_table} SET status = 'exempted', status_changed_at = %(now)s,
                       updated_at = %(now)s
                WHERE order_id = %(order)s AND township_id = ANY(%(townships)s) AND status = ANY(%(open)s)
                  AND attendance IS NULL
                RETURNING id
                """,
                {"now": now, "order": order.pk, "townships": township_ids, "open": list(OPEN)},
            )
            ids = [row[0] for row in cursor.fetchall()]
        who = user_fields(user)
        # A request waiting for a decision is decided by the area's exemption.
        Exemption.objects.filter(notice_id__in=ids, status=ExemptionStatus.REQUESTED).update(
            status=ExemptionStatus.APPROVED, area=area, decided_by=who["user"], decided_at=now, decision_comment=note
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                INSERT INTO {Exemption._meta.db_table} (created_at, updated_at, notice_id, ground_id, note, replace,
                    status, area_id, requested_by_id, requested_by_name, decided_by_id, decided_at, decision_comment)
                SELECT %(now)s, %(now)s, x.id, %(ground)s, %(note)s, %(replace)s, 'approved', %(area)s, %(user)s,
                       %(name)s, %(user)s, %(now)s, ''
                FROM unnest(%(ids)s::bigint[]) AS x(id)
                WHERE NOT EXISTS (SELECT 1 FROM {Exemption._meta.db_table} e
                                  WHERE e.notice_id = x.id AND e.status = 'approved')
                """,
                {
                    "now": now,
                    "ground": ground.pk,
                    "note": note,
                    "replace": replace,
                    "area": area.pk,
                    "user": user.pk,
                    "name": who["user_name"],
                    "ids": ids,
                },
            )
        add_notice_events(ids, event="exempted.area", status=NoticeStatus.EXEMPTED, note=note, user=user)
        _alert(ids, "exempted")
        quota_after = order.quota if replace else max(1, order.quota - len(ids))
        AreaExemption.objects.filter(pk=area.pk).update(exempted=len(ids), quota_after=quota_after)
        if not replace:
            CallUpOrder.objects.filter(pk=order.pk).update(quota=quota_after, updated_at=now)
            order.quota = quota_after
        pending = replacement.open_gaps(order, ids, GapReason.EXEMPTED, replace=replace, exclude_townships=township_ids)
        job = replacement.schedule(order, pending, user)
        area.refresh_from_db()
        area.job = job
        return area


def serve_document(request, document: ExemptionDocument):
    """An uploaded document as a download (the caller checked the scope); each download is an audit event."""
    events.record(ev.EXEMPTION_DOCUMENT_DOWNLOADED, user=request.user, obj=document, after={"name": document.name})
    response = downloads.serve(
        request,
        document.file,
        filename=f"{document.pk}-{document.name}",
        content_type=document.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
