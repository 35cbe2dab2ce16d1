"""Recall and correction of an issued order: staff propose, another person approves (four-eyes), a job does it.

A recall withdraws every binding notice of the order or of the chosen townships; a correction gives each a new
revision with the new report date, time or place. Either way each person is alerted (SMS and e-mail at once) and
each township office gets its letters with the next post. The job walks the notices in id order, one chunk per
transaction, and records the last id done (`progress_id`) in that same transaction: a job killed at any point
and started again continues after the last committed chunk, so every notice changes once and every alert is
written once. Status guards make a repeat harmless too (a withdrawn notice is not withdrawn again).
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, override

from core import events, jobs
from core.actions import Action, Refusal
from core.choices import JobStatus
from core.models import Job, Region

from .. import events_lifecycle as ev
from ..choices import ChangeKind, ChangeStatus, Channel, GapStatus, NoticeStatus, OrderStatus
from ..models import CallUpOrder, Exemption, Gap, Notice, OrderChange
from . import delivery
from .lifecycle import LOCK_CHANGE, OPEN, chunk_size, order_live_refusals, pause
from .notice_pdf import verify_link

log = logging.getLogger(__name__)
JOB_KIND = "mobilization.change"


class ProposeChange(Action):
    """Propose a recall or a correction of an issued order (nothing changes until another person approves)."""

    model = CallUpOrder
    permission = "mobilization.propose_orderchange"
    from_states = {OrderStatus.ISSUED}
    state_code = "order.wrong_status"
    requires_note = True
    kind = ChangeKind.RECALL

    def guard(self, user, order, townships=None, **params):
        refusals = []
        if OrderChange.objects.filter(order=order, status__in=[ChangeStatus.PROPOSED, ChangeStatus.APPROVED]).exists():
            refusals.append(
                Refusal("change.standing", _("A recall or correction of this order is already waiting or running."))
            )
        if self.kind == ChangeKind.CORRECT and {"report_date", "report_time", "assembly_point"} & params.keys():
            if not (params.get("report_date") or params.get("report_time") or params.get("assembly_point")):
                refusals.append(
                    Refusal(
                        "correction.empty",
                        _("Give the new report date, time or place."),
                        field="report_date",
                    )
                )
            day = params.get("report_date")
            if day and day < timezone.localdate():
                refusals.append(
                    Refusal("correction.past", _("The new report date cannot be in the past."), field="report_date")
                )
        return refusals

    def describe(self, order, **params) -> dict:
        townships = params.get("townships")
        return {"townships": [t.code for t in townships] if townships else None}

    def effect(self, user, order, note="", townships=None, **params):
        change = OrderChange.objects.create(
            order=order,
            kind=self.kind,
            reason=note,
            new_report_date=params.get("report_date"),
            new_report_time=params.get("report_time"),
            new_assembly_point=params.get("assembly_point") or "",
            proposed_by=user,
            proposed_by_name=user.get_username(),
        )
        if townships:
            change.townships.set(townships)
        return change


class ProposeRecall(ProposeChange):
    event = ev.RECALL_PROPOSED.name
    label = gettext_lazy("Propose a recall")
    kind = ChangeKind.RECALL


class ProposeCorrection(ProposeChange):
    event = ev.CORRECTION_PROPOSED.name
    label = gettext_lazy("Propose a correction")
    kind = ChangeKind.CORRECT


class DecideChange(Action):
    model = OrderChange
    permission = "mobilization.decide_orderchange"
    from_states = {ChangeStatus.PROPOSED}
    state_code = "change.wrong_status"

    def guard(self, user, change, **params):
        if change.proposed_by_id == user.pk:
            return [Refusal("four_eyes", _("The person who proposed a recall or correction cannot decide it."))]
        return []

    def changes(self, user, change, note="", **params):
        return {"decided_by": user, "decided_at": timezone.now(), "decision_comment": note or ""}


class ApproveChange(DecideChange):
    label = gettext_lazy("Approve")
    to_state = ChangeStatus.APPROVED

    event = ev.ORDER_RECALLED.name

    def execute(self, user, obj, **kwargs):
        # The event names what was approved: a recall or a correction.
        self.event = ev.ORDER_RECALLED.name if obj.kind == ChangeKind.RECALL else ev.ORDER_CORRECTED.name
        return super().execute(user, obj, **kwargs)

    def guard(self, user, change, **params):
        return super().guard(user, change) + order_live_refusals(change.order)

    def effect(self, user, change, note="", **params):
        job = jobs.create_job(JOB_KIND, user, params={"change": change.pk}, message=_("Waiting for a worker"))
        OrderChange.objects.filter(pk=change.pk).update(job=job)
        change.job = job
        jobs.enqueue(job, apply_order_change, change.pk)
        return job


class RefuseChange(DecideChange):
    event = ev.CHANGE_REFUSED.name
    label = gettext_lazy("Refuse")
    to_state = ChangeStatus.REFUSED
    requires_note = True


# ----- the job -------------------------------------------------------------------------------------


def affected(change: OrderChange):
    queryset = Notice.objects.filter(order_id=change.order_id)
    township_ids = list(change.townships.values_list("pk", flat=True))
    if township_ids:
        queryset = queryset.filter(township_id__in=township_ids)
    return queryset


@shared_task(name="mobilization.lifecycle.apply_order_change", acks_late=True, reject_on_worker_lost=True)
def apply_order_change(job_id: int, change_id: int) -> None:
    """Withdraw or correct the notices of an approved recall or correction, alerting each person."""
    run(job_id, change_id)


def run(job_id: int, change_id: int) -> None:
    """The change's job body (idempotent, resumable)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CHANGE, change_id])
        if not cursor.fetchone()[0]:
            log.info("change %s is being applied elsewhere", change_id)
            return
    try:
        change = OrderChange.objects.select_related("order").get(pk=change_id)
        if change.status != ChangeStatus.APPROVED:
            return
        with jobs.running(job_id, finish_on_exit=False):
            base = affected(change).filter(status__in=OPEN)
            total = base.filter(pk__gt=change.progress_id).count() + change.affected
            jobs.set_progress(
                job_id, done=change.affected, total=total, message=jobs.text(gettext_noop("Changing the notices"))
            )
            township_ids = list(change.townships.values_list("pk", flat=True))
            while True:
                with transaction.atomic():
                    locked = OrderChange.objects.select_for_update().get(pk=change_id)
                    done = _chunk(locked, township_ids)
                if not done:
                    break
                jobs.set_progress(job_id, add=done)
                pause()
            _finish(change_id, township_ids)
            jobs.finish(job_id, message=jobs.text(gettext_noop("Every affected notice changed and its person alerted")))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CHANGE, change_id])


def _chunk(change: OrderChange, township_ids: list[int]) -> int:
    """One chunk of notices after `progress_id`: changed, events, alerts and progress in one transaction."""
    where = "order_id = %(order)s AND id > %(after)s AND status = ANY(%(open)s)"
    params = {"order": change.order_id, "after": change.progress_id, "open": list(OPEN), "size": chunk_size()}
    if township_ids:
        where += " AND township_id = ANY(%(townships)s)"
        params["townships"] = township_ids
    now = timezone.now()
    params["now"] = now
    table = Notice._meta.db_table
    if change.kind == ChangeKind.RECALL:
        setting = "status = 'withdrawn', status_changed_at = %(now)s, updated_at = %(now)s"
    else:
        setting = (
            "revision = revision + 1, updated_at = %(now)s, report_date = coalesce(%(date)s, report_date), "
            "report_time = coalesce(%(time)s, report_time), "
            "assembly_point = coalesce(nullif(%(point)s, ''), assembly_point)"
        )
        params.update(
            {"date": change.new_report_date, "time": change.new_report_time, "point": change.new_assembly_point}
        )
    with connection.cursor() as cursor:
        # The chunk's ids first (by the primary key), then one UPDATE by id that checks the status again: joining
        # the UPDATE to a LIMITed CTE made the planner scan every notice of the order once per chunk, and a
        # separate FOR UPDATE wrote every row twice. A notice changed meanwhile (exempted, say) is left alone.
        cursor.execute(f"SELECT id FROM {table} WHERE {where} ORDER BY id LIMIT %(size)s", params)
        params["ids"] = [row[0] for row in cursor.fetchall()]
        if not params["ids"]:
            return 0
        cursor.execute(
            f"""
            UPDATE {table} n SET {setting} FROM reservists_reservist r
            WHERE n.id = ANY(%(ids)s) AND n.status = ANY(%(open)s) AND r.id = n.reservist_id
            RETURNING n.id, n.number, n.verification_code, n.report_date, n.report_time, n.assembly_point,
                      n.status, r.phone, r.email
            """,
            params,
        )
        rows = sorted(cursor.fetchall())
    if not rows:
        # Every notice of this chunk changed meanwhile: move past them.
        OrderChange.objects.filter(pk=change.pk).update(progress_id=max(params["ids"]))
        return len(params["ids"])
    ids = [r[0] for r in rows]
    recall = change.kind == ChangeKind.RECALL
    _events(ids, change, recall)
    delivery.send(_messages(rows, recall))
    if recall:
        # The places of withdrawn notices are not refilled, and waiting requests about them are moot.
        Gap.objects.filter(notice_id__in=ids, status=GapStatus.PENDING).update(status=GapStatus.WAIVED)
        Exemption.objects.filter(notice_id__in=ids, status="requested").update(
            status="refused", decision_comment=_("The notice was withdrawn by a recall."), decided_at=now
        )
    OrderChange.objects.filter(pk=change.pk).update(progress_id=max(params["ids"]), affected=F("affected") + len(ids))
    return len(ids)


def _events(ids: list[int], change: OrderChange, recall: bool) -> None:
    """The notices' history, in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO mobilization_noticeevent (notice_id, at, status, event, note, channel, user_id, user_name)
            SELECT n.id, now(), n.status, %(event)s, %(note)s, '', %(user)s, %(name)s
            FROM mobilization_notice n WHERE n.id = ANY(%(ids)s)
            """,
            {
                "event": "withdrawn" if recall else "corrected",
                "note": change.reason,
                "user": change.decided_by_id,
                "name": change.proposed_by_name,
                "ids": ids,
            },
        )


def _messages(rows, recall: bool) -> list:
    """SMS and e-mail of one chunk. The texts are translated once per chunk and filled per person (a gettext
    and a reverse() per notice were most of a recall's Python time)."""
    from core.templatetags.portal import roc_date

    link = verify_link()
    with override("zh-hant"):
        if recall:
            text = _("Your call-up notice %(number)s is withdrawn and no longer binds you. See %(url)s")
            subject = _("Call-up notice %(number)s withdrawn")
        else:
            text = _(
                "Your call-up notice %(number)s is corrected: report on %(date)s at %(time)s, %(place)s. See %(url)s"
            )
            subject = _("Call-up notice %(number)s corrected")
        dates = {}
        out = []
        for pk, number, code, day, at, point, _status, phone, email in rows:
            values = {"number": number, "url": link(code)}
            if not recall:
                if day not in dates:
                    dates[day] = roc_date(day)
                values.update(date=dates[day], time=at.strftime("%H:%M"), place=point)
            body = text % values
            if phone:
                out.append(delivery.OutgoingMessage(Channel.SMS, phone, body, notice_id=pk))
            if email:
                out.append(delivery.OutgoingMessage(Channel.EMAIL, email, body, subject=subject % values, notice_id=pk))
    return out


def _finish(change_id: int, township_ids: list[int]) -> None:
    """Letters to each township office (once), the order's own fields, and the change done."""
    with transaction.atomic():
        change = OrderChange.objects.select_for_update().select_related("order").get(pk=change_id)
        if change.status != ChangeStatus.APPROVED:
            return
        recall = change.kind == ChangeKind.RECALL
        touched = affected(change).filter(
            **({"status": NoticeStatus.WITHDRAWN} if recall else {"status__in": OPEN, "revision__gt": 1})
        )
        counts = dict(touched.values_list("township_id").annotate(n=Count("id")).values_list("township_id", "n"))
        letters = []
        with override("zh-hant"):
            for township in Region.objects.filter(pk__in=counts).order_by("code"):
                subject = _("Withdrawal letters") if recall else _("Corrected call-up notices (new revision)")
                body = _("%(n)s letters for order %(order)s: %(reason)s") % {
                    "n": counts[township.pk],
                    "order": change.order.title,
                    "reason": change.reason,
                }
                letters.append(
                    delivery.OutgoingMessage(
                        Channel.POST, _("%(township)s office") % {"township": township}, body, subject=subject
                    )
                )
        delivery.send(letters)
        order = change.order
        if not township_ids:
            if recall:
                CallUpOrder.objects.filter(pk=order.pk, status=OrderStatus.ISSUED).update(
                    status=OrderStatus.RECALLED, updated_at=timezone.now()
                )
            elif change.new_report_date:
                CallUpOrder.objects.filter(pk=order.pk).update(
                    report_date=change.new_report_date, updated_at=timezone.now()
                )
        OrderChange.objects.filter(pk=change.pk).update(
            status=ChangeStatus.DONE, letters=sorted(str(k) for k in counts), updated_at=timezone.now()
        )
        events.record(ev.CHANGE_DONE, obj=change, after={"status": ChangeStatus.DONE, "notices": change.affected})


def failed(job_id: int, change_id: int, error: str) -> None:
    """The job says why; the change stays approved so a restart (the sweep, or a new worker) carries on."""
    jobs.fail(job_id, error)


def resume_interrupted(*, worker_started: bool = False) -> list[int]:
    """Run again every approved change whose job lost its worker (its lock is free and it shows no progress)."""
    resumed = []
    now = timezone.now()
    for change in OrderChange.objects.filter(status=ChangeStatus.APPROVED).select_related("job"):
        job = change.job
        if job is None or job.status == JobStatus.SUCCEEDED:
            continue
        quiet_since = job.heartbeat_at or job.started_at or job.created_at
        if not worker_started and quiet_since > now - datetime.timedelta(minutes=2):
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_CHANGE, change.pk])
            free = cursor.fetchone()[0]
            if free:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CHANGE, change.pk])
        if not free:
            continue
        Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, error="", finished_at=None)
        apply_order_change.apply_async(args=[job.pk, change.pk], retry=False)
        resumed.append(change.pk)
    if resumed:
        log.warning("resumed order changes %s", resumed)
    return resumed
