"""Call-up notice PDFs: one person's notice on demand, and township batches of choices.BATCH_PAGES pages.

- on demand: the median of render_notice_pdf (target < 150 ms);
- a batch in one process, read from the database as the issuing job reads it (per core: the job runs on 2 workers,
  so the overall target of 120 pages/s needs 60 or more per core);
- two batches rendered at once by two processes, as the two Celery workers do: pages per second overall.

The bench makes its own order of BATCH_PAGES notices (reservists Z2…) and removes them afterwards. The machine
is shared: the load average is printed with the figures.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import median, report, timed_ms

ROOT = Path(__file__).resolve().parent.parent
TITLE = "bench: notice PDFs"


def make_notices(count: int) -> int:
    """An issued order with `count` notices in township 220 (板橋區); returns the order id."""
    import datetime

    from core.models import Region
    from core.pii import check_digit
    from mobilization.models import CallUpOrder, Notice
    from mobilization.services.issuing import new_code
    from reservists.models import ReserveUnit, Reservist

    remove_notices()
    town = Region.objects.get(code="220")
    unit, _ = ReserveUnit.objects.get_or_create(
        code="BENCH-PDF",
        defaults={"name": "陸軍第一〇一後備旅第一營", "region": town, "assembly_point": "新北市板橋區文化路一段188號"},
    )
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title=TITLE,
        legal_basis="兵役法第38條、後備軍人召集服勤實施辦法",
        order_reference="國備動員字第1150000123號",
        report_date=datetime.date(2026, 3, 1),
        days=14,
        quota=count,
        status="issued",
    )
    people = Reservist.objects.bulk_create(
        Reservist(
            national_id=f"Z2{i:07d}" + check_digit(f"Z2{i:07d}"),
            name="王小明",
            birth_date=datetime.date(1996, 5, 31),
            branch="army",
            retirement_date=datetime.date(2020, 1, 1),
            township=town,
        )
        for i in range(count)
    )
    Notice.objects.bulk_create(
        Notice(
            order=order,
            reservist=person,
            township=town,
            reserve_unit=unit,
            sequence=i + 1,
            number=f"115E{order.pk:05d}-{i + 1:06d}",
            report_date=order.report_date,
            report_time=datetime.time(8, 0),
            assembly_point=unit.assembly_point,
            verification_code=new_code(),
            delivery_seq=i + 1,
        )
        for i, person in enumerate(people)
    )
    return order.pk


def remove_notices() -> None:
    from mobilization.models import CallUpOrder, Notice
    from reservists.models import ReserveUnit, Reservist

    orders = CallUpOrder.objects.filter(title=TITLE)
    Notice.objects.filter(order__in=orders).delete()
    orders.delete()
    Reservist.objects.filter(national_id__startswith="Z2").delete()
    ReserveUnit.objects.filter(code="BENCH-PDF").delete()


def batch(order_id: int) -> tuple[int, float]:
    from mobilization.models import Notice
    from mobilization.services import notice_pdf as pdf

    started = time.perf_counter()
    _, pages = pdf.render_batch_pdf(Notice.objects.filter(order_id=order_id).order_by("delivery_seq", "id"))
    return pages, time.perf_counter() - started


def child(order_id: int) -> None:
    """In a fresh interpreter (a worker): one warm-up notice, then the batch; prints pages and seconds."""
    import django

    django.setup()
    from mobilization.models import Notice
    from mobilization.services import notice_pdf as pdf

    pdf.render_notice_pdf(Notice.objects.select_related(*pdf.NOTICE_RELATED).filter(order_id=order_id).first())
    print("ready", flush=True)
    sys.stdin.readline()  # start together
    pages, seconds = batch(order_id)
    print(json.dumps({"pages": pages, "s": seconds}), flush=True)


def two_workers(order_id: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    code = f"from bench.bench_notice_pdf import child; child({order_id})"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code], env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    started = time.perf_counter()
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [json.loads(proc.stdout.readline()) for proc in procs]
    wall = time.perf_counter() - started
    for proc in procs:
        proc.wait(timeout=60)
    return sum(r["pages"] for r in results) / wall


def main():
    import logging

    from mobilization.choices import BATCH_PAGES
    from mobilization.models import Notice
    from mobilization.services import notice_pdf as pdf

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    order_id = make_notices(BATCH_PAGES)
    try:
        notices = list(Notice.objects.filter(order_id=order_id).select_related(*pdf.NOTICE_RELATED)[:20])
        cycle = iter(notices * 3)
        samples = timed_ms(lambda: pdf.render_notice_pdf(next(cycle)), repeat=20, warmup=2)
        report("notices.pdf_on_demand_median_ms", median(samples), "ms", "< 150")

        rates = []
        for _ in range(2):
            pages, seconds = batch(order_id)
            rates.append(pages / seconds)
        report(f"notices.batch_pages_per_s_one_process ({pages} pages)", max(rates), "p/s", "per core ≥ 60")
        report("notices.batch_pages_per_s_two_processes", two_workers(order_id), "p/s", "overall ≥ 120")
        report("notices.loadavg_1min", os.getloadavg()[0], "")
    finally:
        remove_notices()
