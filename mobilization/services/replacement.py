"""Replacement (遞補): every gap in the call is filled by the next candidate in rank order.

A gap opens when a notice stops holding its place (exemption, undeliverable, ineligible). Unless the decider
chose "no replacement", the next candidate gets a notice: never called by this order, not excluded, ranked
(`eligible` before `later`: that is the rank order), from the gap's township first, then its county, then the
whole target, and never from an excluded township (a disaster area). The new notice names the one it replaces.

Filling runs under a transaction-scoped advisory lock per order, chunk by chunk, each chunk in one transaction:
the gaps it fills, the notices it writes and the alerts it sends commit together, so a job killed half-way
and run again neither skips a gap nor calls a person twice (the (order, reservist) unique constraint and the
one-to-one `replaces`/`replacement` are the backstop). A gap with nobody left is `short`: the recorded
shortfall of the order.
"""

from __future__ import annotations

from collections import defaultdict

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from core import events, jobs
from core.models import Region

from ..choices import Channel, GapStatus, NoticeStatus
from ..events_lifecycle import NOTICE_REPLACED
from ..models import Candidate, Gap, Notice
from . import delivery
from .issuing import DEFAULT_REPORT_TIME, new_code, number_prefix
from .lifecycle import LOCK_REPLACE, add_notice_events, chunk_size, pause, xact_lock

JOB_KIND = "mobilization.replace"
# Up to this many gaps are filled in the request that opened them; more go to a job.
INLINE_GAPS = 20


def open_gaps(order, notice_ids: list[int], reason: str, *, replace: bool, exclude_townships=()) -> int:
    """One gap per notice (a notice already with a gap is left alone); `waived` when no replacement is wanted.
    Returns the number of gaps waiting for a replacement."""
    if not notice_ids:
        return 0
    status = GapStatus.PENDING if replace else GapStatus.WAIVED
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Gap._meta.db_table} (order_id, notice_id, township_id, reason, status, exclude_townships,
                                              created_at)
            SELECT n.order_id, n.id, n.township_id, %(reason)s, %(status)s, %(exclude)s::jsonb, now()
            FROM {Notice._meta.db_table} n WHERE n.id = ANY(%(ids)s) AND n.order_id = %(order)s
            ON CONFLICT (notice_id) DO NOTHING
            """,
            {
                "reason": reason,
                "status": status,
                "exclude": _json(sorted(int(t) for t in exclude_townships)),
                "ids": list(notice_ids),
                "order": order.pk,
            },
        )
        created = cursor.rowcount
    return created if replace else 0


def _json(value) -> str:
    import json

    return json.dumps(value)


def schedule(order, pending: int, user=None):
    """Fill a few gaps now (inside the caller's transaction); many in a job. Returns the job, if one."""
    if pending <= 0:
        return None
    if pending <= INLINE_GAPS:
        fill(order.pk)
        return None
    job = jobs.create_job(JOB_KIND, user, params={"order": order.pk}, total=pending, message=_("Waiting for a worker"))
    jobs.enqueue(job, replace_gaps, order.pk)
    return job


@shared_task(name="mobilization.lifecycle.replace_gaps", acks_late=True, reject_on_worker_lost=True)
def replace_gaps(job_id: int, order_id: int) -> None:
    """The replacement job: fill the order's pending gaps with the next candidates in rank order (遞補)."""
    with jobs.running(job_id):
        fill(order_id, job_id=job_id)


def fill(order_id: int, *, job_id: int | None = None) -> dict:
    """Fill the order's pending gaps, chunk by chunk (idempotent). Returns {filled, short}."""
    totals = {"filled": 0, "short": 0}
    while True:
        with transaction.atomic():
            xact_lock(LOCK_REPLACE, order_id)
            gaps = list(
                Gap.objects.filter(order_id=order_id, status=GapStatus.PENDING)
                .order_by("id")
                .values_list("id", "notice_id", "township_id", "exclude_townships")[: chunk_size()]
            )
            if not gaps:
                break
            filled, short = _fill_chunk(order_id, gaps)
        totals["filled"] += filled
        totals["short"] += short
        if job_id:
            jobs.set_progress(
                job_id, add=len(gaps), message=jobs.text(gettext_noop("%(n)s gaps filled"), n=totals["filled"])
            )
            pause()
    return totals


def _fill_chunk(order_id: int, gaps: list[tuple]) -> tuple[int, int]:
    from ..models import CallUpOrder

    order = CallUpOrder.objects.get(pk=order_id)
    townships = {g[2] for g in gaps}
    county_of = dict(Region.objects.filter(pk__in=townships).values_list("pk", "parent_id"))
    groups: dict[tuple, list[tuple]] = defaultdict(list)
    for gap in gaps:
        groups[(gap[2], tuple(gap[3] or ()))].append(gap)
    picks: dict[int, tuple] = {}  # gap id -> (reservist, township, unit, address)
    for (township, exclude), members in groups.items():
        people = _next_candidates(order_id, township, county_of.get(township), list(exclude), len(members))
        for gap, person in zip(members, people, strict=False):
            picks[gap[0]] = person
    now = timezone.now()
    if picks:
        new_ids = _write_notices(order, gaps, picks)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE {Gap._meta.db_table} g SET status = 'filled', replacement_id = x.notice, filled_at = %s
                FROM unnest(%s::bigint[], %s::bigint[]) AS x(gap, notice)
                WHERE g.id = x.gap AND g.status = 'pending'
                """,
                [now, list(new_ids), list(new_ids.values())],
            )
        _send(list(new_ids.values()))
    short_ids = [g[0] for g in gaps if g[0] not in picks]
    if short_ids:
        Gap.objects.filter(pk__in=short_ids, status=GapStatus.PENDING).update(status=GapStatus.SHORT, filled_at=now)
    events.record(NOTICE_REPLACED, obj=order, after={"gaps": len(gaps), "filled": len(picks), "short": len(short_ids)})
    return len(picks), len(short_ids)


def _next_candidates(order_id: int, township: int, county: int | None, exclude: list[int], wanted: int) -> list:
    """The next `wanted` people in rank order, nearest first: the township, then the county, then the target."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT c.reservist_id, c.township_id, r.reserve_unit_id
            FROM {Candidate._meta.db_table} c
            JOIN reservists_reservist r ON r.id = c.reservist_id
            JOIN core_region t ON t.id = c.township_id
            WHERE c.order_id = %(order)s AND c.rank IS NOT NULL AND NOT c.excluded
              AND NOT (c.township_id = ANY(%(exclude)s))
              AND NOT EXISTS (SELECT 1 FROM {Notice._meta.db_table} n
                              WHERE n.order_id = c.order_id AND n.reservist_id = c.reservist_id)
            ORDER BY CASE WHEN c.township_id = %(township)s THEN 0
                          WHEN t.parent_id = %(county)s THEN 1 ELSE 2 END, c.rank
            LIMIT %(wanted)s
            """,
            {"order": order_id, "exclude": exclude, "township": township, "county": county, "wanted": wanted},
        )
        return cursor.fetchall()


def _write_notices(order, gaps: list[tuple], picks: dict[int, tuple]) -> dict[int, int]:
    """Insert the replacement notices (numbers continue the order's call); gap id -> new notice id."""
    from reservists.models import ReserveUnit

    units = {
        u.pk: (u.assembly_point, u.assembly_time)
        for u in ReserveUnit.objects.filter(pk__in={p[2] for p in picks.values() if p[2]})
    }
    replaced = {g[0]: g[1] for g in gaps}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(max(sequence), 0) FROM {Notice._meta.db_table} WHERE order_id = %s", [order.pk]
        )
        last = cursor.fetchone()[0]
    fallback = _("To be announced by the township office")
    with override(settings.LANGUAGE_CODE):
        fallback = str(fallback)
    gap_ids = list(picks)
    rows = []
    for offset, gap_id in enumerate(gap_ids, start=1):
        reservist, township, unit = picks[gap_id]
        point, at = units.get(unit, (fallback, DEFAULT_REPORT_TIME))
        rows.append((reservist, township, unit, last + offset, point, at or DEFAULT_REPORT_TIME, replaced[gap_id]))
    cols = list(zip(*rows, strict=True))
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Notice._meta.db_table}
                (created_at, updated_at, order_id, reservist_id, township_id, reserve_unit_id, sequence, number,
                 report_date, report_time, assembly_point, verification_code, status, status_changed_at,
                 delivery_seq, revision, replaces_id)
            SELECT %(now)s, %(now)s, %(order)s, x.reservist, x.township, x.unit, x.seq,
                   %(prefix)s || lpad(x.seq::text, 6, '0'), %(date)s, x.at, x.point, x.code, 'sent', %(now)s, NULL, 1,
                   x.replaces
            FROM unnest(%(reservist)s::bigint[], %(township)s::bigint[], %(unit)s::bigint[], %(seq)s::int[],
                        %(point)s::text[], %(at)s::time[], %(code)s::text[], %(replaces)s::bigint[])
                 AS x(reservist, township, unit, seq, point, at, code, replaces)
            ORDER BY x.seq
            RETURNING id, replaces_id
            """,
            {
                "now": now,
                "order": order.pk,
                "prefix": number_prefix(order),
                "date": order.report_date,
                "reservist": list(cols[0]),
                "township": list(cols[1]),
                "unit": list(cols[2]),
                "seq": list(cols[3]),
                "point": list(cols[4]),
                "at": list(cols[5]),
                "code": [new_code() for _row in rows],
                "replaces": list(cols[6]),
            },
        )
        by_replaced = {r[1]: r[0] for r in cursor.fetchall()}
    gap_of_notice = {replaced[g]: g for g in gap_ids}
    return {gap_of_notice[old]: new for old, new in by_replaced.items()}


def _send(notice_ids: list[int]) -> None:
    """Each replacement is alerted (SMS, e-mail) and printed as its own PDF for the township office (post). The
    notices were written `sent`, in this same transaction: they and their alerts commit together."""
    if not notice_ids:
        return
    rows = list(
        Notice.objects.filter(pk__in=notice_ids)
        .order_by("id")
        .values_list(
            "pk",
            "number",
            "verification_code",
            "report_date",
            "report_time",
            "assembly_point",
            "reservist__phone",
            "reservist__email",
            "township_id",
        )
    )
    messages = delivery.alert_messages([row[:8] for row in rows])
    by_township: dict = defaultdict(list)
    for row in rows:
        by_township[row[8]].append(row[1])
    with override("zh-hant"):
        for township in Region.objects.filter(pk__in=by_township).order_by("code"):
            numbers = by_township[township.pk]
            messages.append(
                delivery.OutgoingMessage(
                    Channel.POST,
                    _("%(township)s office") % {"township": township},
                    _("%(n)s replacement call-up notices (遞補) to print and deliver: %(numbers)s")
                    % {"n": len(numbers), "numbers": ", ".join(numbers[:50])},
                    subject=_("Replacement call-up notices for delivery"),
                )
            )
    delivery.send(messages)
    add_notice_events(notice_ids, event="replacement", status=NoticeStatus.SENT, note="", channel=Channel.POST)


def shortfall(order) -> int:
    return Gap.objects.filter(order=order, status=GapStatus.SHORT).count()


def resume_interrupted(*, worker_started: bool = False) -> list[int]:
    """Orders with pending gaps and no live replacement job get a new one (the lock makes a double harmless)."""
    import datetime

    from core.choices import JobStatus
    from core.models import Job

    resumed = []
    now = timezone.now()
    for order_id in Gap.objects.filter(status=GapStatus.PENDING).values_list("order_id", flat=True).distinct():
        live = Job.objects.filter(
            kind=JOB_KIND, params__order=order_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).order_by("-id")
        job = live.first()
        if job is not None:
            quiet_since = job.heartbeat_at or job.started_at or job.created_at
            if not worker_started and quiet_since > now - datetime.timedelta(minutes=2):
                continue
            Job.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED)
        else:
            job = jobs.create_job(JOB_KIND, None, params={"order": order_id}, message=_("Resumed"))
        replace_gaps.apply_async(args=[job.pk, order_id], retry=False)
        resumed.append(order_id)
    return resumed
