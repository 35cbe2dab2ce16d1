"""The national run, as the people who wait for it see it: a General Mobilization of 300,000 out of the national
registry of 2.3 million reservists, on real workers (queues of config/queues.py).

1. The registry is loaded fresh the way `seed_demo` loads it (COPY, then core.importing.ready_for_reading).
2. Right after the load, the nationwide selection is requested through the API (POST .../select/, the job on the
   interactive worker, the order's status polled through the API) and then called in process on the same order:
   the two times and their ratio (targets: < 10 s over 1,000,000, API <= 1.2x in process).
3. A county report (新北市) is requested on an idle queue, and again while a long print run keeps the print
   workers busy (target: under twice the idle time). The print workers run at a lower CPU priority (nice 10),
   as `make run` starts them, so the person at the desk is served first on a shared host.
4. The notices are issued (written, order issued, township batches planned), then the batches are printed by one
   print worker process and again by two: pages per second per process, the scaling 1 -> 2 (target >= 1.8x),
   peak memory (RSS) per worker process (target < 500 MB) and the projection for N hosts of two cores each.

Scale: BENCH_SCALE (or `python bench/run.py national --scale=0.1`) multiplies the registry and the call-up.
BENCH_NATIONAL_PRINT_PAGES sets the pages printed per pass (default 6,000, the first township batches; the
rate is projected to the whole run). BENCH_NATIONAL_SELECTION_ONLY=1 stops after the selections (steps 1-2);
BENCH_NATIONAL_PRINT_ONLY=1 runs only the print passes again, on the last run's order.
The machine is shared: load averages are printed.
"""

import datetime
import json
import os
import time
from pathlib import Path

from bench.common import client_for, report

SCALE = float(os.environ.get("BENCH_SCALE", "1") or 1)
N_REGISTRY = int(2_300_000 * SCALE)
N_CALLED = int(300_000 * SCALE)
TITLE = "bench: national general mobilization"
COUNTY = "TW-NWT"
REPORT_RUN_PAGES = 100_000


def print_pages_per_pass() -> int:
    wanted = int(os.environ.get("BENCH_NATIONAL_PRINT_PAGES", "0") or 0)
    return wanted or min(N_CALLED, 6_000)


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def group_rss_mb(pgid: int) -> dict[int, float]:
    """Resident memory of every process of a worker's process group (the main process and its pool)."""
    sizes = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            if int(stat.rsplit(")", 1)[1].split()[2]) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes[int(entry.name)] = int(line.split()[1]) / 1024
        except (OSError, ValueError, IndexError):
            continue
    return sizes


def group_cpu_s(pgid: int) -> dict[int, float]:
    """CPU seconds (user + system) used so far by every process of a worker's process group."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, ValueError, IndexError):
            continue
    return used


def fresh_registry() -> float:
    """Empty the registry (and what hangs on it in the bench database), then load N_REGISTRY people as seed_demo
    does. Returns the seconds taken."""
    from django.db import connection

    from reservists.demo import seed_registry

    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("TRUNCATE reservists_reservist, reservists_servicerecord, reservists_prioritygrant CASCADE")
    seed_registry(N_REGISTRY)
    return time.perf_counter() - started


def wait(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise RuntimeError(f"timed out waiting for {what}")


def select_through_api(client, order) -> float:
    """POST select, then poll the selection's job through the API as the order page does (`/api/jobs/{id}/`, which
    the page's job card polls once a second; here ten times a second, so the figure is not rounded up to the
    poll), and read the order once it is done: what a person waits. Polling the whole order instead (52 kB with
    its summary, 19 ms of CPU a request) ten times a second took a fifth of a core from the worker."""
    from core.models import Job

    started = time.perf_counter()
    before = Job.objects.filter(kind="mobilization.selection").order_by("-id").values_list("id", flat=True).first()
    response = client.post(f"/api/mobilization/orders/{order.pk}/select/", {"comment": ""}, "application/json")
    assert response.status_code == 200, response.content[:300]
    job = Job.objects.filter(kind="mobilization.selection", pk__gt=before or 0).order_by("-id").first()
    assert job is not None and job.params.get("order") == order.pk

    def done():
        status = client.get(f"/api/jobs/{job.pk}/").json()["status"]
        if status == "failed":
            raise RuntimeError("the selection failed")
        return status == "succeeded"

    wait(done, 1800, "the selection", interval=0.1)
    assert client.get(f"/api/mobilization/orders/{order.pk}/").json()["status"] == "selected"
    elapsed = time.perf_counter() - started
    from django.db import connection

    job.refresh_from_db()
    with connection.cursor() as cur:  # a checkpoint writing the load's pages out slows whatever runs beside it
        cur.execute("SELECT checkpoints_timed + checkpoints_req, buffers_checkpoint FROM pg_stat_bgwriter")
        checkpoints, buffers = cur.fetchone()
    print(
        f"   (the job: waited {(job.started_at - job.created_at).total_seconds():.2f} s for the worker, ran "
        f"{(job.finished_at - job.started_at).total_seconds():.2f} s; checkpoints so far {checkpoints}, "
        f"{buffers:,} buffers written by them)",
        flush=True,
    )
    return elapsed


def county_report_s(user) -> float:
    """Request the county report as the page does (job on the interactive worker) and wait until it is stored."""
    from reports.models import Report
    from reports.services import request_report

    started = time.perf_counter()
    made = request_report(user=user, scope=COUNTY, as_of=datetime.date.today())
    wait(
        lambda: Report.objects.filter(pk=made.pk).exclude(status="pending").values_list("status", flat=True).first(),
        1800,
        "the county report",
    )
    assert Report.objects.get(pk=made.pk).status == "ready"
    return time.perf_counter() - started


def reset_batches(ids) -> None:
    from mobilization.models import NoticeBatch

    NoticeBatch.objects.filter(pk__in=ids).update(status="pending", pages=0, leased_by="", leased_until=None)


def print_pass(job_id: int, ids: list[int], processes: int, tag: str) -> dict:
    """Print the batches IDS with one print worker of PROCESSES pool processes; the clock runs from the first
    batch taken to the last one ready. Returns pages, seconds and the peak RSS per process."""
    from core.testing_workers import kill, start_worker
    from mobilization.models import NoticeBatch
    from mobilization.tasks import render_notice_batch

    reset_batches(ids)
    worker = start_worker(
        f"bench-print-{tag}", queues="print", settings_module="config.settings", concurrency=processes
    )  # at normal priority here: the machine's other work is not ours to yield to when measuring throughput
    peak: dict[int, float] = {}
    cpu: dict[int, float] = {}
    try:
        for batch_id in ids:
            render_notice_batch.apply_async(args=[job_id, batch_id], retry=False)
        wait(lambda: NoticeBatch.objects.filter(pk__in=ids).exclude(leased_by="").exists(), 600, "a print worker")
        started = time.perf_counter()
        while True:
            for pid, mb in group_rss_mb(worker.pid).items():
                peak[pid] = max(peak.get(pid, 0), mb)
            cpu.update(group_cpu_s(worker.pid))
            left = NoticeBatch.objects.filter(pk__in=ids).exclude(status="ready")
            if left.filter(status="failed").exists():
                raise RuntimeError("a batch failed to print")
            if not left.exists():
                break
            time.sleep(0.5)
        elapsed = time.perf_counter() - started
    finally:
        kill(worker)
    pages = sum(NoticeBatch.objects.filter(pk__in=ids).values_list("pages", flat=True))
    # CPU seconds of the whole pass (including the pool's start, a second or two): on a shared machine the pages
    # per CPU-second say what a core of our own would print.
    return {"pages": pages, "s": elapsed, "rss": peak, "cpu": sum(cpu.values())}


def choose(all_batches, pages_wanted: int) -> list[int]:
    """The first batches (by id) holding PAGES_WANTED notices."""
    sample, pages = [], 0
    for batch_id, count in all_batches:
        if pages >= pages_wanted:
            break
        sample.append(batch_id)
        pages += count
    return sample


def print_figures(job_id: int, all_batches, sample) -> None:
    """4b: the SAMPLE batches printed by one worker process, then by two; rates, scaling, memory, projection."""
    one = print_pass(job_id, sample, 1, "one")
    load_one = loadavg()
    two = print_pass(job_id, sample, 2, "two")
    load_two = loadavg()
    rate_one = one["pages"] / one["s"]
    rate_two = two["pages"] / two["s"]
    report("national.print_pages_per_pass", one["pages"], "pages")
    report("national.print_1_process_pages_per_s", rate_one, "pages/s")
    report("national.print_2_processes_pages_per_s", rate_two, "pages/s")
    report("national.print_per_process_pages_per_s", rate_two / 2, "pages/s")
    report("national.print_scaling_1_to_2", rate_two / rate_one, "x", ">= 1.8")
    report("national.print_pages_per_cpu_second_1", one["pages"] / one["cpu"], "pages/CPU-s")
    report("national.print_pages_per_cpu_second_2", two["pages"] / two["cpu"], "pages/CPU-s")
    worst = max([*one["rss"].values(), *two["rss"].values()])
    report("national.print_worker_peak_rss_mb", worst, "MB", "< 500 per process")
    print(
        f"   (load average after 1 process: {load_one}; after 2: {load_two}; RSS per process: "
        f"{json.dumps({k: round(v) for k, v in two['rss'].items()})})",
        flush=True,
    )
    notices_per_pass = sum(count for batch_id, count in all_batches if batch_id in set(sample))
    notices_per_s = rate_two * notices_per_pass / two["pages"]
    print(
        f"   projection for 300,000 notices, hosts of 2 cores each printing {notices_per_s:.0f} notices/s "
        "(2 processes, as measured here):",
        flush=True,
    )
    for hosts in (1, 4, 16):
        report(f"national.print_300000_minutes_on_{hosts}_hosts", 300_000 / (notices_per_s * hosts) / 60, "min")
    # The same from CPU time: what a host whose two cores print and nothing else would do.
    per_core = two["pages"] / two["cpu"] * notices_per_pass / two["pages"]
    print(f"   projection from CPU time: {per_core:.0f} notices per CPU-second, {2 * per_core:.0f}/s per 2-core host:")
    for hosts in (1, 4, 16):
        report(f"national.print_300000_minutes_on_{hosts}_hosts_cpu", 300_000 / (2 * per_core * hosts) / 60, "min")


def main():
    import redis
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from core import jobs
    from core.accounts import provision_user
    from core.models import Job
    from core.testing_workers import kill, start_worker
    from mobilization import services
    from mobilization.models import CallUpOrder, NoticeBatch
    from mobilization.services import issuing

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        print("   REDIS_URL is not set: the national run needs real workers on Redis; skipped", flush=True)
        return
    settings.PORTAL_REQUIRE_2FA = False  # the bench logs in with force_login
    if os.environ.get("BENCH_NATIONAL_PRINT_ONLY") == "1":  # the print passes again, on the last run's order
        order = CallUpOrder.objects.filter(title=TITLE).order_by("-id").first()
        job = issuing.latest_job(order)
        all_batches = list(NoticeBatch.objects.filter(order=order).order_by("id").values_list("id", "count"))
        redis.Redis.from_url(settings.REDIS_URL).flushdb()
        print(f"   print passes only, on order {order.pk}; load average {loadavg()}", flush=True)
        print_figures(job.pk, all_batches, choose(all_batches, print_pages_per_pass()))
        return
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    Job.objects.filter(status__in=["queued", "running"]).update(status="failed", error="abandoned by a bench run")
    print(f"   scale {SCALE}: registry {N_REGISTRY:,}, called {N_CALLED:,}; load average {loadavg()}", flush=True)

    report("national.registry_load_s", fresh_registry(), "s")
    report("national.registry_reservists", N_REGISTRY, "rows")
    user = provision_user("bench_mnd_staff", "mnd_staff", password=None)
    CallUpOrder.objects.filter(title=TITLE).update(title=TITLE + " (old)")
    order = CallUpOrder.objects.create(
        mobilization_type="general",
        title=TITLE,
        legal_basis="全民防衛動員準備法",
        report_date=datetime.date(2027, 3, 1),
        days=30,
        quota=N_CALLED,
        created_by=user,
    )
    # The interactive worker: selection and reports (started before the clock, as a deployment has it running).
    desk = start_worker("bench-desk", queues="interactive,alerts", settings_module="config.settings")
    try:
        probe = jobs.create_job("core.self_test", user)
        from core.tasks import self_test

        jobs.enqueue(probe, self_test)
        wait(lambda: Job.objects.filter(pk=probe.pk, status="succeeded").exists(), 300, "the interactive worker")

        # 2. The selection right after the load: through the API, then in process, then through the API again.
        client = client_for(user)
        load = loadavg()
        api_fresh = select_through_api(client, order)
        candidates = order.candidates.count()
        CallUpOrder.objects.filter(pk=order.pk).update(status="selecting")
        started = time.perf_counter()
        services.run_selection(order.pk)
        in_process = time.perf_counter() - started
        CallUpOrder.objects.filter(pk=order.pk).update(status="draft")
        api_again = select_through_api(client, order)
        report("national.selection_candidates", candidates, "rows")
        report("national.selection_api_right_after_load_s", api_fresh, "s", "< 10 s over 1,000,000")
        report("national.selection_in_process_s", in_process, "s")
        report("national.selection_api_again_s", api_again, "s")
        report("national.selection_api_over_in_process", api_fresh / in_process, "x", "<= 1.2")
        print(f"   (load average before the selections: {load}, after: {loadavg()})", flush=True)
        if os.environ.get("BENCH_NATIONAL_SELECTION_ONLY") == "1":  # the load and the selections, nothing after
            return

        # 4a. Issuing: the job's phase 1 and the township batches (in process; the print passes are measured below).
        CallUpOrder.objects.filter(pk=order.pk).update(status="issuing", decided_at=timezone.now())
        order.refresh_from_db()
        job = jobs.create_job(issuing.JOB_KIND, user, params={"order": order.pk})
        Job.objects.filter(pk=job.pk).update(status="running")
        started = time.perf_counter()
        people = issuing.call_list(order)
        issuing.write_notices(job.pk, order, people)
        issuing.mark_issued(order, len(people))
        batches = issuing.plan_batches(order)
        report("national.notices_issued", len(people), "notices")
        report("national.issue_notices_s", time.perf_counter() - started, "s")
        report("national.township_batches", batches, "batches")
        all_batches = list(NoticeBatch.objects.filter(order=order).order_by("id").values_list("id", "count"))
        sample = choose(all_batches, print_pages_per_pass())

        # 3. A county report on an idle queue, then while the print workers are busy with a long run.
        idle = county_report_s(user)
        report("national.county_report_idle_s", idle, "s")
        run, pages = [], 0
        for batch_id, count in all_batches:
            if pages >= REPORT_RUN_PAGES:
                break
            run.append(batch_id)
            pages += count
        reset_batches(run)
        printers = start_worker(
            "bench-print-busy", queues="print", settings_module="config.settings", concurrency=2, nice=10
        )
        try:
            from mobilization.tasks import render_notice_batch

            for batch_id in run:
                render_notice_batch.apply_async(args=[job.pk, batch_id], retry=False)
            wait(lambda: NoticeBatch.objects.filter(pk__in=run, status="ready").exists(), 600, "printing to run")
            load = loadavg()
            busy = county_report_s(user)
            still = NoticeBatch.objects.filter(pk__in=run).exclude(status="ready").count()
        finally:
            kill(printers)
        redis.Redis.from_url(settings.REDIS_URL).delete("print")
        report("national.county_report_during_print_s", busy, "s", f"< {2 * idle:.1f} s (twice idle)")
        report("national.county_report_during_over_idle", busy / idle, "x", "< 2")
        print(
            f"   ({len(run)} batches of up to {pages:,} pages queued, {still} still unprinted when the report "
            f"was done; load average {load})",
            flush=True,
        )
    finally:
        kill(desk)

    # 4b. The same batches printed by one worker process, then by two.
    print_figures(job.pk, all_batches, sample)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM mobilization_notice WHERE order_id = %s", [order.pk])
        report("national.notices_in_database", cur.fetchone()[0], "notices")
