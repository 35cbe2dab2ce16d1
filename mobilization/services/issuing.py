"""Issuing the notices of an approved order: a Celery job that is chunked, idempotent and resumable.

Phase 1 writes the notices, one transaction per chunk of the call list. The call list is computed the same way
every time (first-wave candidates in rank order, not excluded, up to the quota), so a run that starts again after
a crash skips the chunks already committed and writes the rest; the (order, reservist) unique constraint makes a
second notice for a person impossible whatever happens. The order moves to `issued` only when the count of
notices equals the call list. Phase 2 plans the township print batches and hands each to a render task; the job
succeeds when every batch is rendered and sent.

A task holds a PostgreSQL advisory lock (on its own connection) while it works. A worker killed by a signal
drops its connection and so its locks: `resume_interrupted` (run when a worker starts and every few minutes by
the scheduler) finds issuing jobs whose lock is free and runs them again.
"""

from __future__ import annotations

import base64
import datetime
import logging
import secrets
import time
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from core import jobs
from core.actions import Refusal
from core.audit import audit_context
from core.choices import JobStatus
from core.exceptions import TransitionRefused
from core.models import Job
from reservists.choices import MobilizationType

from .. import events
from ..choices import BATCH_PAGES, BatchStatus, OrderStatus
from ..models import CallUpOrder, Candidate, Notice, NoticeBatch
from .orders import OrderAction
from .selection import eager

log = logging.getLogger(__name__)

JOB_KIND = "mobilization.issue"
DEFAULT_REPORT_TIME = datetime.time(8, 0)
LOCK_ISSUE, LOCK_BATCH = 51_001, 51_002  # advisory-lock classes (first key); the second key is the row id
ISSUABLE_STATUSES = {OrderStatus.APPROVED, OrderStatus.ISSUING, OrderStatus.ISSUED, OrderStatus.FAILED}

TYPE_LETTER = {
    MobilizationType.GENERAL: "G",
    MobilizationType.TEMPORARY: "T",
    MobilizationType.EDUCATIONAL: "E",
    MobilizationType.DUTY: "D",
    MobilizationType.ROLL_CALL: "R",
}


# ----- codes and numbers ---------------------------------------------------------------------------


def new_code() -> str:
    """80 random bits as 16 base-32 characters (A-Z, 2-7): unguessable, and short enough to type."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:32]


def number_prefix(order: CallUpOrder) -> str:
    """Notice numbers read like 115E00012-000001: ROC year of the report date, type, order, place in the call."""
    return f"{order.report_date.year - 1911:03d}{TYPE_LETTER.get(order.mobilization_type, 'X')}{order.pk:05d}-"


# ----- starting ------------------------------------------------------------------------------------


def latest_job(order: CallUpOrder) -> Job | None:
    return Job.objects.filter(kind=JOB_KIND, params__order=order.pk).order_by("-id").first()


class IssueOrder(OrderAction):
    """Start (or continue) issuing. Approved orders start; an interrupted or failed run picks up where it was."""

    event = events.ORDER_ISSUE_STARTED.name
    label = gettext_lazy("Issue notices")
    permission = "mobilization.issue_notices"
    from_states = ISSUABLE_STATUSES

    def state_refusal(self, obj) -> str:
        return _("Only an approved order can be issued; this one is “%(status)s”.") % {
            "status": obj.get_status_display()
        }

    def check(self, user, obj, **params):
        result = super().check(user, obj, **params)
        # A failed selection is `failed` too, but was never approved: that is a wrong state, not a retry.
        if result and obj.status == OrderStatus.FAILED and not obj.decided_at:
            return type(result)(self, 409, [Refusal(self.state_code, self.state_refusal(obj))])
        return result

    def rules(self, user, obj, **params):
        previous = latest_job(obj)
        if previous and previous.status in (JobStatus.QUEUED, JobStatus.RUNNING):
            return [Refusal("order.issuing", _("The notices of this order are being issued already."))]
        if obj.status == OrderStatus.ISSUED and not obj.notice_batches.exclude(status=BatchStatus.READY).exists():
            return [Refusal("order.issued", _("Every notice of this order has been issued and printed already."))]
        return []

    def target_state(self, user, obj, **params):
        return None if obj.status == OrderStatus.ISSUED else OrderStatus.ISSUING

    def effect(self, user, obj, **params):
        job = jobs.create_job(JOB_KIND, user, params={"order": obj.pk}, message=_("Waiting for a worker"))
        jobs.enqueue(job, issue_notices, obj.pk)
        return job

    def describe(self, obj, **params) -> dict:
        job = latest_job(obj)
        return {"job": job.pk if job else None}


class OrderIssued(OrderAction):
    """The system's step once every person of the call list has a notice."""

    event = events.ORDER_ISSUED.name
    permission = None
    scoped = False
    anonymous_allowed = True
    within_area = False
    from_states = {OrderStatus.ISSUING}
    to_state = OrderStatus.ISSUED

    def describe(self, obj, **params) -> dict:
        return {"notices": params.get("notices")}


class IssueFailed(OrderAction):
    event = events.ORDER_ISSUE_FAILED.name
    permission = None
    scoped = False
    anonymous_allowed = True
    within_area = False
    from_states = {OrderStatus.ISSUING}
    to_state = OrderStatus.FAILED


ISSUE = IssueOrder()


def start(*, user, order: CallUpOrder, comment: str = "") -> Job:
    return ISSUE.execute(user, order, note=comment)


# ----- the call list -------------------------------------------------------------------------------


def call_list(order: CallUpOrder) -> list[tuple]:
    """(reservist, township, unit, delivery_seq) in call order: first-wave candidates by rank, up to the quota.

    Ranks put eligible people before Art. 30 `later` ones; successive (Art. 29), ineligible and excluded
    people have no rank or are excluded. The delivery place is the order within the township by address.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.reservist_id, r.township_id, r.reserve_unit_id, r.address, r.name
            FROM {Candidate._meta.db_table} c JOIN reservists_reservist r ON r.id = c.reservist_id
            WHERE c.order_id = %s AND c.rank IS NOT NULL AND NOT c.excluded
            ORDER BY c.rank LIMIT %s
            """,
            [order.pk, order.quota],
        )
        rows = cursor.fetchall()
    by_delivery = sorted(range(len(rows)), key=lambda i: (rows[i][1], rows[i][3] or "", rows[i][4], rows[i][0]))
    delivery = [0] * len(rows)
    township, place = None, 0
    for i in by_delivery:
        if rows[i][1] != township:
            township, place = rows[i][1], 0
        place += 1
        delivery[i] = place
    return [(r[0], r[1], r[2], delivery[i]) for i, r in enumerate(rows)]


# ----- the job -------------------------------------------------------------------------------------


@contextmanager
def advisory_lock(kind: int, key: int):
    """Yield True if this connection got the lock (released on exit, or when the process dies)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [kind, key])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [kind, key])
            except Exception:  # the connection is gone: so is the lock
                connection.close()


def run(job_id: int, order_id: int) -> None:
    """The issuing job's body (idempotent): write missing notices, move the order, plan and send out batches."""
    with advisory_lock(LOCK_ISSUE, job_id) as got:
        if not got:
            log.info("issuing job %s is running elsewhere", job_id)
            return
        job = Job.objects.get(pk=job_id)
        if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return
        order = CallUpOrder.objects.get(pk=order_id)
        if order.status not in (OrderStatus.ISSUING, OrderStatus.ISSUED):
            raise TransitionRefused(_("The order is no longer being issued (it is “%(s)s”).") % {"s": order.status})
        with jobs.running(job_id, finish_on_exit=False):
            people = call_list(order)
            write_notices(job_id, order, people)
            mark_issued(order, len(people))
            batches = plan_batches(order)
            jobs.set_progress(
                job_id,
                done=len(people) + NoticeBatch.objects.filter(order=order, status=BatchStatus.READY).count(),
                total=len(people) + batches,
                message=jobs.text(gettext_noop("Printing and sending the township batches")),
            )
            pending = list(
                NoticeBatch.objects.filter(order=order).exclude(status=BatchStatus.READY).values_list("id", flat=True)
            )
        if not pending:
            complete(job_id, order)
            return
        for batch_id in pending:
            render_notice_batch.apply_async(args=[job_id, batch_id], retry=False)


def write_notices(job_id: int, order: CallUpOrder, people: list[tuple]) -> None:
    from reservists.models import ReserveUnit

    units = {u.pk: (u.assembly_point, u.assembly_time) for u in ReserveUnit.objects.all().only("assembly_point")}
    prefix = number_prefix(order)
    total = len(people)
    jobs.set_progress(job_id, done=0, total=total, message=jobs.text(gettext_noop("Writing the notices")))
    done = 0
    size = max(1, settings.NOTICE_ISSUE_CHUNK)
    for start_at in range(0, total, size):
        chunk = people[start_at : start_at + size]
        first, last = start_at + 1, start_at + len(chunk)
        present = Notice.objects.filter(order=order, sequence__range=(first, last)).count()
        if present < len(chunk):
            _write_chunk(order, prefix, units, chunk, first)
            if settings.NOTICE_ISSUE_PAUSE:
                time.sleep(settings.NOTICE_ISSUE_PAUSE)
        done += len(chunk)
        jobs.set_progress(
            job_id, done=done, message=jobs.text(gettext_noop("Writing the notices: %(n)s of %(t)s"), n=done, t=total)
        )


def _write_chunk(order, prefix, units, chunk, first) -> None:
    fallback = _("To be announced by the township office")
    rows = []
    for offset, (reservist, township, unit, delivery) in enumerate(chunk):
        point, at = units.get(unit, (fallback, DEFAULT_REPORT_TIME))
        rows.append((reservist, township, unit, first + offset, delivery, point, at))
    for attempt in range(3):  # a verification-code collision (2^-80 per pair) gets fresh codes
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    # A chunk lost to a crash before it reached the disk is written again on resume.
                    cursor.execute("SET LOCAL synchronous_commit = off")
                _insert(order, prefix, rows)
            return
        except IntegrityError:
            if attempt == 2:
                raise


def _insert(order, prefix, rows) -> None:
    now = timezone.now()
    cols = list(zip(*rows, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Notice._meta.db_table}
                (created_at, updated_at, order_id, reservist_id, township_id, reserve_unit_id, sequence, number,
                 report_date, report_time, assembly_point, verification_code, status, delivery_seq, revision)
            SELECT %(now)s, %(now)s, %(order)s, x.reservist, x.township, x.unit, x.seq,
                   %(prefix)s || lpad(x.seq::text, 6, '0'), %(date)s, x.at, x.point, x.code, 'issued', x.delivery, 1
            FROM unnest(%(reservist)s::bigint[], %(township)s::bigint[], %(unit)s::bigint[], %(seq)s::int[],
                        %(delivery)s::int[], %(point)s::text[], %(at)s::time[], %(code)s::text[])
                 AS x(reservist, township, unit, seq, delivery, point, at, code)
            ON CONFLICT (order_id, reservist_id) DO NOTHING
            """,
            {
                "now": now,
                "order": order.pk,
                "prefix": prefix,
                "date": order.report_date,
                "reservist": list(cols[0]),
                "township": list(cols[1]),
                "unit": list(cols[2]),
                "seq": list(cols[3]),
                "delivery": list(cols[4]),
                "point": list(cols[5]),
                "at": list(cols[6]),
                "code": [new_code() for _row in rows],
            },
        )


def mark_issued(order: CallUpOrder, expected: int) -> None:
    """`issued` only when every person of the call list has a notice."""
    count = Notice.objects.filter(order=order).count()
    if count != expected:
        raise RuntimeError(
            _("%(n)s notices exist for a call list of %(e)s; the order stays in issuing.") % {"n": count, "e": expected}
        )
    action = OrderIssued()
    if action.check(None, order):
        action.execute(None, order, notices=count)


def plan_batches(order: CallUpOrder) -> int:
    """One batch per township part of BATCH_PAGES notices, in delivery order (idempotent)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {NoticeBatch._meta.db_table}
                (order_id, township_id, part, first_seq, last_seq, count, status, file, pages, error, leased_by)
            SELECT order_id, township_id, (delivery_seq - 1) / %(size)s + 1, min(delivery_seq), max(delivery_seq),
                   count(*), 'pending', '', 0, '', ''
            FROM {Notice._meta.db_table} WHERE order_id = %(order)s
            GROUP BY order_id, township_id, (delivery_seq - 1) / %(size)s
            ON CONFLICT (order_id, township_id, part) DO NOTHING
            """,
            {"order": order.pk, "size": BATCH_PAGES},
        )
    return NoticeBatch.objects.filter(order=order).count()


def complete(job_id: int, order: CallUpOrder) -> None:
    batches = NoticeBatch.objects.filter(order=order).aggregate(n=Count("id"), pages=Sum("pages"))
    Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        done=F("total"),
        message=_("All notices issued and their township batches printed and sent"),
        result={
            "order": order.pk,
            "notices": Notice.objects.filter(order=order).count(),
            "batches": batches["n"],
            "pages": batches["pages"] or 0,
        },
    )


def failed(job_id: int, order_id: int, error: str) -> None:
    """A failure while writing notices puts the order in `failed` (it can be issued again and resumes)."""
    jobs.fail(job_id, error)
    order = CallUpOrder.objects.filter(pk=order_id).first()
    action = IssueFailed()
    if order is not None and action.check(None, order):
        action.execute(None, order, note=error)


# ----- rendering and sending one batch ------------------------------------------------------------


def render_batch(job_id: int, batch_id: int, worker: str = "") -> None:
    """Render one township part, store it and hand it to the delivery channels (a no-op if done already).

    The advisory lock on the batch says a live worker has it; the lease (who, until when) says it was taken at
    all. A batch taken, not ready, with its lease run out and its lock free lost its worker:
    `requeue_lost_batches` puts it back on the print queue, where any other worker finishes it."""
    from django.core.files.base import ContentFile

    from . import delivery
    from . import notice_pdf as pdf

    with advisory_lock(LOCK_BATCH, batch_id) as got:
        if not got:
            return
        batch = NoticeBatch.objects.select_related("order", "township").get(pk=batch_id)
        if batch.status == BatchStatus.READY:
            return
        lease = datetime.timedelta(seconds=settings.PRINT_LEASE_SECONDS)
        NoticeBatch.objects.filter(pk=batch_id).update(leased_by=worker[:200], leased_until=timezone.now() + lease)
        if settings.NOTICE_RENDER_PAUSE:
            time.sleep(settings.NOTICE_RENDER_PAUSE)
        job = Job.objects.select_related("created_by").get(pk=job_id)
        with audit_context(job.created_by, reason=f"job {job.kind} #{job.pk}"):
            notices = list(
                Notice.objects.filter(
                    order_id=batch.order_id,
                    township_id=batch.township_id,
                    delivery_seq__range=(batch.first_seq, batch.last_seq),
                )
                .select_related("reservist", "township__parent", "reserve_unit", "order")
                .order_by("delivery_seq", "id")
            )
            data, pages = pdf.render_batch_pdf(notices)
            name = f"order-{batch.order_id}-{batch.township.code}-part{batch.part}.pdf"
            with transaction.atomic():
                batch.file.save(name, ContentFile(data), save=False)
                batch.pages = pages
                batch.status = BatchStatus.READY
                batch.rendered_at = timezone.now()
                batch.error = ""
                batch.save(update_fields=["file", "pages", "status", "rendered_at", "error"])
                delivery.send_batch(batch, notices)
        Job.objects.filter(pk=job_id).update(done=F("done") + 1, heartbeat_at=timezone.now())
    if not NoticeBatch.objects.filter(order_id=batch.order_id).exclude(status=BatchStatus.READY).exists():
        complete(job_id, batch.order)


def batch_failed(job_id: int, batch_id: int, error: str) -> None:
    """The batch and the job say what failed; issuing the order again renders what is missing."""
    batch = NoticeBatch.objects.filter(pk=batch_id).select_related("township").first()
    NoticeBatch.objects.filter(pk=batch_id).exclude(status=BatchStatus.READY).update(
        status=BatchStatus.FAILED, error=error[:2000]
    )
    where = f"{batch.township} {batch.part}" if batch else str(batch_id)
    jobs.fail(job_id, jobs.text(gettext_noop("The township batch %(b)s could not be printed: %(e)s"), b=where, e=error))


# ----- resuming after a crash ----------------------------------------------------------------------


def requeue_lost_batches() -> list[int]:
    """Put back on the print queue every batch whose worker died while printing it: taken (leased), not ready,
    the lease run out, and no live worker holding its lock. Redis would redeliver the task only after its
    visibility timeout (an hour); this takes a lease period and one sweep. A batch rendered twice by accident
    is harmless: the second run finds it ready under the lock and does nothing."""
    requeued = []
    lost = NoticeBatch.objects.filter(status=BatchStatus.PENDING, leased_until__lt=timezone.now())
    for batch_id, order_id in lost.values_list("id", "order_id"):
        with advisory_lock(LOCK_BATCH, batch_id) as free:
            if not free:
                continue  # a live worker is printing it (a slow batch outlives its lease)
            # Cleared under the lock: it is back to "waiting on the queue", so the next sweep leaves it alone.
            taken = NoticeBatch.objects.filter(pk=batch_id, status=BatchStatus.PENDING, leased_until__isnull=False)
            if not taken.update(leased_by="", leased_until=None):
                continue
        job = Job.objects.filter(kind=JOB_KIND, params__order=order_id).order_by("-id").first()
        if job is None:
            continue
        render_notice_batch.apply_async(args=[job.pk, batch_id], retry=False)
        requeued.append(batch_id)
    if requeued:
        log.warning("print batches %s lost their worker and were put back on the print queue", requeued)
    return requeued


def resume_interrupted(*, worker_started: bool = False) -> list[int]:
    """Run again every issuing job that is not finished, that no live task holds (its lock is free) and that
    has shown no progress for a while (or any such job, when a worker has just started after a crash).
    Running a job twice is harmless: every step skips what is done."""
    resumed = []
    now = timezone.now()
    for job in Job.objects.filter(kind=JOB_KIND, status__in=[JobStatus.RUNNING, JobStatus.QUEUED]):
        if job.status == JobStatus.QUEUED and job.created_at > now - datetime.timedelta(minutes=10):
            continue  # still waiting for a worker: not lost
        quiet_since = job.heartbeat_at or job.started_at or job.created_at
        if not worker_started and quiet_since > now - datetime.timedelta(minutes=2):
            continue
        if worker_started and printing_lively(job, now):
            continue  # a print worker joining a run: the batches are on the queue, lost ones have their sweep
        with advisory_lock(LOCK_ISSUE, job.pk) as free:
            if not free:
                continue
        issue_notices.apply_async(args=[job.pk, job.params["order"]], retry=False)
        resumed.append(job.pk)
    if resumed:
        log.warning("resumed issuing jobs %s", resumed)
    return resumed


def printing_lively(job: Job, now) -> bool:
    """Whether the job is in its print phase and batches were finished lately (workers are at it)."""
    lively = now - datetime.timedelta(seconds=settings.PRINT_LEASE_SECONDS)
    return (
        job.heartbeat_at is not None
        and job.heartbeat_at > lively
        and NoticeBatch.objects.filter(order_id=job.params.get("order"), rendered_at__gt=lively).exists()
    )


# ----- the tasks (re-exported by mobilization.tasks, under their names there) -----------------------


@shared_task(name="mobilization.tasks.issue_notices", acks_late=True, reject_on_worker_lost=True)
def issue_notices(job_id: int, order_id: int) -> None:
    """Write the order's notices chunk by chunk and send out its township batches (idempotent, resumable)."""
    try:
        run(job_id, order_id)
    except Exception as exc:
        failed(job_id, order_id, str(exc) or type(exc).__name__)
        if not eager():
            raise


@shared_task(name="mobilization.tasks.render_notice_batch", acks_late=True, reject_on_worker_lost=True)
def render_notice_batch(job_id: int, batch_id: int) -> None:
    """Render one township part of an order's notices to PDF and hand it to the delivery channels."""
    try:
        render_batch(job_id, batch_id, worker=render_notice_batch.request.hostname or "")
    except Exception as exc:
        batch_failed(job_id, batch_id, str(exc) or type(exc).__name__)
        if not eager():
            raise


@shared_task(name="mobilization.resume_issuing")
def resume_issuing(worker_started: bool = False) -> list[int]:
    return resume_interrupted(worker_started=worker_started)


@shared_task(name="mobilization.requeue_lost_batches")
def requeue_lost_batches_task() -> list[int]:
    return requeue_lost_batches()
