"""The end of the call-up at scale, with a real Celery worker on Redis (mobilization/lifecycle).

Figures (targets from the issue):
- 5,000 exemptions in one township (a disaster area) replaced from the rest of the county: from the decision to
  the last replacement notice existing — target < 10 s;
- recall of 100,000 notices: every notice withdrawn and every alert queued (SMS rows) — target < 30 s;
- closing an order of 100,000 notices, yield and no-show cases included — target < 10 s;
- kill -9 of the worker during a recall and during a replacement, then a restart: every notice in exactly one
  final state and every alert written exactly once.

BENCH_LIFECYCLE_NOTICES sets the order size (default 100,000) and BENCH_LIFECYCLE_EXEMPT the disaster township's
notices (default 5,000). The bench writes its own people (national IDs L…, every one with a phone) and orders
(titled "bench lifecycle …"), and removes them first on the next run. The load average is printed: the machine
may be shared.
"""

import datetime
import os
import signal
import subprocess
import time
from pathlib import Path

from bench.common import report

N = int(os.environ.get("BENCH_LIFECYCLE_NOTICES", 100_000))
N_EXEMPT = int(os.environ.get("BENCH_LIFECYCLE_EXEMPT", 5_000))
SPARE = N_EXEMPT + 2_000  # uncalled candidates in the rest of the county, to replace from
ROOT = Path(__file__).resolve().parent.parent
TITLE = "bench lifecycle"


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def clean_up():
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute("SELECT id FROM mobilization_calluporder WHERE title LIKE %s", [TITLE + "%"])
        orders = [r[0] for r in cur.fetchall()]
        if orders:
            cur.execute(
                "DELETE FROM mobilization_noshowstep WHERE case_id IN "
                "(SELECT id FROM mobilization_noshowcase WHERE order_id = ANY(%s))",
                [orders],
            )
            cur.execute(
                "DELETE FROM mobilization_exemptiondocument WHERE exemption_id IN (SELECT e.id FROM "
                "mobilization_exemption e JOIN mobilization_notice n ON n.id = e.notice_id WHERE n.order_id = ANY(%s))",
                [orders],
            )
            cur.execute(
                "DELETE FROM mobilization_exemption WHERE notice_id IN "
                "(SELECT id FROM mobilization_notice WHERE order_id = ANY(%s))",
                [orders],
            )
            for table in (
                "mobilization_noshowcase",
                "mobilization_orderyield",
                "mobilization_gap",
                "mobilization_orderchange_townships",
            ):
                if table == "mobilization_orderchange_townships":
                    cur.execute(
                        f"DELETE FROM {table} WHERE orderchange_id IN "
                        "(SELECT id FROM mobilization_orderchange WHERE order_id = ANY(%s))",
                        [orders],
                    )
                else:
                    cur.execute(f"DELETE FROM {table} WHERE order_id = ANY(%s)", [orders])
            cur.execute("DELETE FROM mobilization_orderchange WHERE order_id = ANY(%s)", [orders])
            cur.execute(
                "DELETE FROM mobilization_areaexemption_townships WHERE areaexemption_id IN "
                "(SELECT id FROM mobilization_areaexemption WHERE order_id = ANY(%s))",
                [orders],
            )
            cur.execute("DELETE FROM mobilization_areaexemption WHERE order_id = ANY(%s)", [orders])
            cur.execute(
                "DELETE FROM mobilization_deliverymessage WHERE notice_id IN "
                "(SELECT id FROM mobilization_notice WHERE order_id = ANY(%s))",
                [orders],
            )
            cur.execute(
                "DELETE FROM mobilization_noticeevent WHERE notice_id IN "
                "(SELECT id FROM mobilization_notice WHERE order_id = ANY(%s))",
                [orders],
            )
            cur.execute("UPDATE mobilization_notice SET replaces_id = NULL WHERE order_id = ANY(%s)", [orders])
            cur.execute("DELETE FROM mobilization_notice WHERE order_id = ANY(%s)", [orders])
            cur.execute("DELETE FROM mobilization_candidate WHERE order_id = ANY(%s)", [orders])
            cur.execute("DELETE FROM mobilization_calluporder_target_regions WHERE calluporder_id = ANY(%s)", [orders])
            cur.execute("DELETE FROM mobilization_calluporder WHERE id = ANY(%s)", [orders])
        cur.execute("DELETE FROM mobilization_deliverymessage WHERE notice_id IS NULL AND subject <> ''")
        cur.execute("SET session_replication_role = DEFAULT")


def people(total: int) -> None:
    """`total` reservists L000000001… with phones: the disaster township 220 gets N_EXEMPT of the called, the
    rest of 新北市 the others and the spare candidates."""
    from django.db import connection

    from core.models import Region

    county = Region.objects.get(code="TW-NWT")
    towns = list(county.children.exclude(code="220").order_by("code").values_list("id", flat=True))
    disaster = Region.objects.get(code="220").pk
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM reservists_reservist WHERE national_id LIKE 'L%%'")
        if cur.fetchone()[0] >= total:
            return
        cur.execute("SET session_replication_role = replica")
        cur.execute(
            """
            INSERT INTO reservists_reservist (national_id, name, birth_date, category, branch, rank, specialty,
                retirement_date, township_id, address, phone, email, occupation, employer, status,
                created_at, updated_at)
            SELECT 'L' || lpad(i::text, 9, '0'), '測試' || i, date '1995-01-01', 'reservist', 'army', '', '',
                   date '2022-01-01', CASE WHEN i %% %(every)s = 0 AND i <= %(called)s THEN %(disaster)s
                                           ELSE (%(towns)s::bigint[])[(1 + i %% %(nt)s)::int] END,
                   '', '09' || lpad(i::text, 8, '0'), '', '', '', 'active', now(), now()
            FROM generate_series(1::bigint, %(n)s) i
            ON CONFLICT DO NOTHING
            """,
            {
                "n": total,
                "called": N,
                "every": max(1, N // N_EXEMPT),
                "disaster": disaster,
                "towns": towns,
                "nt": len(towns),
            },
        )
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute("ANALYZE reservists_reservist")


def make_order(user, suffix: str, *, report_date, called: int, candidates: int):
    """An issued order: `candidates` ranked candidates and notices for the first `called` of them."""
    from django.db import connection

    from mobilization.models import CallUpOrder
    from mobilization.services.issuing import number_prefix

    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title=f"{TITLE} {suffix}",
        report_date=report_date,
        days=5,
        quota=called,
        created_by=user,
        status="issued",
    )
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        cur.execute(
            """
            INSERT INTO mobilization_candidate (order_id, reservist_id, township_id, specialty, decision, reasons,
                rank, policy_version, excluded, exclusion_reason, added_manually, added_reason)
            SELECT %s, id, township_id, '', 'eligible', '[]'::jsonb, row_number() OVER (ORDER BY id), 1,
                   FALSE, '', FALSE, ''
            FROM (SELECT id, township_id FROM reservists_reservist WHERE national_id LIKE 'L%%'
                  ORDER BY id LIMIT %s) r
            """,
            [order.pk, candidates],
        )
        cur.execute(
            """
            INSERT INTO mobilization_notice (created_at, updated_at, order_id, reservist_id, township_id,
                reserve_unit_id, sequence, number, report_date, report_time, assembly_point, verification_code,
                status, delivery_seq, revision)
            SELECT now(), now(), c.order_id, c.reservist_id, c.township_id, NULL, c.rank,
                   %s || lpad(c.rank::text, 6, '0'), %s, '08:00', '營區', md5(random()::text || c.reservist_id),
                   'sent', c.rank, 1
            FROM mobilization_candidate c WHERE c.order_id = %s AND c.rank <= %s
            """,
            [number_prefix(order), report_date, order.pk, called],
        )
        cur.execute("SET session_replication_role = DEFAULT")
        cur.execute("ANALYZE mobilization_notice")
        cur.execute("ANALYZE mobilization_candidate")
    return order


def start_worker(name: str) -> subprocess.Popen:
    """A worker of two processes on every queue (the harness of core.testing_workers)."""
    from core import testing_workers

    return testing_workers.start_worker(name, settings_module="config.settings", concurrency=2)


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    try:
        os.killpg(worker.pid, sig)
    except ProcessLookupError:
        return
    worker.wait(timeout=120)


def wait_for(condition, timeout: float, what: str) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"timed out waiting for {what}")
        time.sleep(0.2)
    return time.perf_counter() - started


def messages_per_notice(order, after_id: int) -> tuple[int, int]:
    """(withdrawn notices without an SMS written after message `after_id`, notices with more than one)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT count(*) FILTER (WHERE k = 0), count(*) FILTER (WHERE k > 1) FROM (
              SELECT n.id, (SELECT count(*) FROM mobilization_deliverymessage m
                            WHERE m.notice_id = n.id AND m.channel = 'sms' AND m.id > %s) AS k
              FROM mobilization_notice n WHERE n.order_id = %s AND n.status = 'withdrawn') s
            """,
            [after_id, order.pk],
        )
        return cur.fetchone()


def last_message_id() -> int:
    from mobilization.models import DeliveryMessage

    return DeliveryMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


def main():
    import redis
    from django.conf import settings

    from core.accounts import provision_user
    from core.models import Region
    from mobilization.lifecycle import changes, closing, exemptions
    from mobilization.lifecycle.models import ExemptionGround, Gap, OrderChange
    from mobilization.models import Notice

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        print("   REDIS_URL is not set: the lifecycle bench needs a worker on Redis; skipped", flush=True)
        return
    print(f"   notices per order {N}, disaster township {N_EXEMPT}; load {loadavg()}", flush=True)
    clean_up()
    people(N + SPARE)
    staff = provision_user("bench_lc_staff", "mnd_staff", password=None)
    approver = provision_user("bench_lc_approver", "mnd_approver", password=None)
    ground = ExemptionGround.objects.get(code="disaster")
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    later = datetime.date.today() + datetime.timedelta(days=60)

    worker = start_worker("bench-lifecycle")
    try:
        time.sleep(8)
        # 1. A disaster township exempted, replaced from the rest of the county.
        order = make_order(staff, "replace", report_date=later, called=N, candidates=N + SPARE)
        township = Region.objects.get(code="220")
        in_township = Notice.objects.filter(order=order, township=township).count()
        started = time.perf_counter()
        exemptions.ExemptArea().execute(
            staff, order, note="bench: 地震", townships=[township], ground=ground, replace=True
        )
        wait_for(lambda: not Gap.objects.filter(order=order, status="pending").exists(), 600, "replacements")
        elapsed = time.perf_counter() - started
        filled = Gap.objects.filter(order=order, status="filled").count()
        report("lifecycle.area_exempted", in_township, "notices")
        report("lifecycle.replacements_filled", filled, "notices")
        report("lifecycle.exempt_and_replace_s", elapsed, "s", f"< 10 s for 5,000 (load {loadavg()})")

        # 2. Recall of the whole order.
        binding = Notice.objects.filter(order=order, status__in=["issued", "sent"]).count()
        change = changes.ProposeRecall().execute(staff, order, note="bench: 誤發")
        before = last_message_id()
        started = time.perf_counter()
        changes.ApproveChange().execute(approver, change)
        wait_for(lambda: OrderChange.objects.get(pk=change.pk).status == "done", 900, "the recall")
        elapsed = time.perf_counter() - started
        missing, doubled = messages_per_notice(order, before)
        report("lifecycle.recalled", binding, "notices")
        report("lifecycle.recall_s", elapsed, "s", f"< 30 s for 100,000 (load {loadavg()})")
        report("lifecycle.recall_alerts_missing_or_doubled", missing + doubled, "notices", "0")

        # 3. Closing an order of N notices (90 % reported, 10 % absent): yield and cases.
        past = datetime.date.today() - datetime.timedelta(days=30)
        closed = make_order(staff, "close", report_date=past, called=N, candidates=N)
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
            cur.execute(
                "UPDATE mobilization_notice SET attendance = CASE WHEN id %% 10 = 0 THEN 'absent' ELSE 'present' END "
                "WHERE order_id = %s",
                [closed.pk],
            )
            cur.execute("SET session_replication_role = DEFAULT")
        started = time.perf_counter()
        result = closing.CloseOrder().execute(staff, closed)
        elapsed = time.perf_counter() - started
        report("lifecycle.close_cases", result["cases"], "cases")
        report("lifecycle.close_s", elapsed, "s", f"< 10 s for 100,000 (load {loadavg()})")
    finally:
        stop(worker)

    # 4. kill -9 during a recall, then a restart: exactly once.
    order = make_order(staff, "kill", report_date=later, called=N, candidates=N)
    change = changes.ProposeRecall().execute(staff, order, note="bench: kill")
    before = last_message_id()
    worker = start_worker("bench-lifecycle-kill")
    try:
        time.sleep(8)
        changes.ApproveChange().execute(approver, change)
        wait_for(lambda: OrderChange.objects.get(pk=change.pk).affected > 0, 300, "the recall to start")
        stop(worker, signal.SIGKILL)
        halfway = OrderChange.objects.get(pk=change.pk).affected
        worker = start_worker("bench-lifecycle-restart")
        wait_for(lambda: OrderChange.objects.get(pk=change.pk).status == "done", 900, "the resumed recall")
    finally:
        stop(worker)
    missing, doubled = messages_per_notice(order, before)
    open_left = Notice.objects.filter(order=order).exclude(status="withdrawn").count()
    report("lifecycle.kill_recall_done_before_kill", halfway, "notices")
    report("lifecycle.kill_recall_not_withdrawn", open_left, "notices", "0")
    report("lifecycle.kill_recall_alerts_missing_or_doubled", missing + doubled, "notices", "0")

    # 5. kill -9 during a replacement job, then a restart.
    order = make_order(staff, "kill-replace", report_date=later, called=N, candidates=N + SPARE)
    worker = start_worker("bench-lifecycle-kill2")
    try:
        time.sleep(8)
        exemptions.ExemptArea().execute(
            staff, order, note="bench: kill", townships=[Region.objects.get(code="220")], ground=ground, replace=True
        )
        time.sleep(1.0)
        stop(worker, signal.SIGKILL)
        worker = start_worker("bench-lifecycle-restart2")
        wait_for(lambda: not Gap.objects.filter(order=order, status="pending").exists(), 900, "resumed replacements")
    finally:
        stop(worker)
    from django.db.models import Count

    people_twice = (
        Notice.objects.filter(order=order).values("reservist_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    gaps = Gap.objects.filter(order=order)
    report("lifecycle.kill_replace_gaps_open", gaps.filter(status="pending").count(), "gaps", "0")
    report("lifecycle.kill_replace_filled", gaps.filter(status="filled").count(), "gaps")
    report("lifecycle.kill_replace_people_called_twice", people_twice, "people", "0")
    clean_up()
