"""Issuing 100,000 notices, then printing their township batches with 2 Celery worker processes on Redis.

Figures: notice rows with codes written (the job's phase 1, no PDFs) — target < 20 s; batch PDFs overall pages
per second with two worker processes — target >= 120. BENCH_NOTICES sets the number of notices (default
100,000); BENCH_NOTICE_PDF_PAGES limits how many pages of batches are rendered for the rate (default: all).
The order's candidates are written straight into the table (the selection has its own benchmark).
"""

import datetime
import os
import subprocess
import time
from pathlib import Path

from bench.common import report

N_NOTICES = int(os.environ.get("BENCH_NOTICES", 100_000))
PDF_PAGES = int(os.environ.get("BENCH_NOTICE_PDF_PAGES", 0)) or None
ROOT = Path(__file__).resolve().parent.parent


def make_order(user):
    from django.db import connection

    from mobilization.models import CallUpOrder
    from reservists.models import ReserveUnit

    unit, _ = ReserveUnit.objects.get_or_create(
        code="BENCH-U1",
        defaults={
            "name": "bench unit",
            "region_id": _first_township(),
            "assembly_point": "新北市板橋區文化路一段 100 號 板橋營區",
        },
    )
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="bench notices",
        report_date=datetime.date(2027, 3, 1),
        days=5,
        quota=N_NOTICES,
        created_by=user,
        status="issuing",
    )
    with connection.cursor() as cur:
        # Bench data preparation, not a measured change: without the audit triggers, as load_registry does.
        cur.execute("SET session_replication_role = replica")
        cur.execute("UPDATE reservists_reservist SET reserve_unit_id = %s WHERE reserve_unit_id IS NULL", [unit.pk])
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute(
            """
            INSERT INTO mobilization_candidate (order_id, reservist_id, township_id, specialty, decision, reasons,
                rank, policy_version, excluded, exclusion_reason, added_manually, added_reason)
            SELECT %s, id, township_id, specialty, 'eligible', '[]'::jsonb, row_number() OVER (ORDER BY id), 1,
                   FALSE, '', FALSE, ''
            FROM (SELECT id, township_id, specialty FROM reservists_reservist WHERE status = 'active'
                  ORDER BY id LIMIT %s) r
            """,
            [order.pk, N_NOTICES],
        )
        cur.execute("ANALYZE mobilization_candidate")
    return order


def _first_township():
    from core.models import Region

    return Region.objects.townships().order_by("code").values_list("id", flat=True).first()


def start_workers() -> subprocess.Popen:
    """Two print worker processes (the batches go to the print queue, config/queues.py)."""
    from core.testing_workers import start_worker

    return start_worker("bench-notices", queues="print", settings_module="config.settings", concurrency=2)


def main():
    import redis
    from django.conf import settings
    from django.db import connection

    from bench.bench_mobilization import load_registry
    from core import jobs
    from core.accounts import provision_user
    from core.models import Job
    from mobilization.choices import BatchStatus
    from mobilization.models import NoticeBatch
    from mobilization.services import issuing
    from mobilization.tasks import render_notice_batch

    load_registry()
    # An earlier interrupted run leaves its job "running"; a starting worker would resume it and render its
    # batches instead of the ones measured here.
    Job.objects.filter(kind=issuing.JOB_KIND, status__in=["queued", "running"]).update(
        status="failed", error="abandoned by an earlier benchmark run"
    )
    user = provision_user("bench_mnd_staff", "mnd_staff", password=None)
    order = make_order(user)
    job = jobs.create_job(issuing.JOB_KIND, user, params={"order": order.pk})

    started = time.perf_counter()
    people = issuing.call_list(order)
    issuing.write_notices(job.pk, order, people)
    issuing.mark_issued(order, len(people))
    elapsed = time.perf_counter() - started
    report("notices.created", len(people), "rows")
    report("notices.create_s", elapsed, "s", "< 20 s for 100,000")

    batches = issuing.plan_batches(order)
    report("notices.township_batches", batches, "batches")
    queue = list(NoticeBatch.objects.filter(order=order).order_by("-count", "id").values_list("id", "count"))
    if PDF_PAGES:
        chosen, pages = [], 0
        for batch_id, count in queue:
            if pages >= PDF_PAGES:
                break
            chosen.append(batch_id)
            pages += count
        queue = [(b, 0) for b in chosen]
    if not settings.CELERY_BROKER_URL.startswith("redis"):
        print("   REDIS_URL is not set: batch PDFs need the Redis broker; skipped", flush=True)
        return
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    workers = start_workers()
    try:
        time.sleep(8)  # let both pool processes start before the clock runs
        started = time.perf_counter()
        ids = [batch_id for batch_id, _count in queue]
        for batch_id in ids:
            render_notice_batch.apply_async(args=[job.pk, batch_id], retry=False)
        while NoticeBatch.objects.filter(pk__in=ids).exclude(status=BatchStatus.READY).exists():
            if NoticeBatch.objects.filter(pk__in=ids, status=BatchStatus.FAILED).exists():
                raise RuntimeError("a batch failed to render")
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(workers.pid, 15)
        workers.wait(timeout=60)
    rendered = sum(NoticeBatch.objects.filter(pk__in=ids).values_list("pages", flat=True))
    report("notices.batch_pages_rendered", rendered, "pages")
    report("notices.batch_pdf_pages_per_s", rendered / elapsed, "pages/s", ">= 120 with 2 workers")
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM mobilization_notice WHERE order_id = %s AND status = 'sent'", [order.pk])
        report("notices.sent_after_printing", cur.fetchone()[0], "notices")
