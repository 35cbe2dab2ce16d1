"""Printing through object storage against printing to the local disk: the same township batches of one order,
rendered and stored by issuing.render_batch (the worker's code path: render, store, mark ready, hand to delivery),
once with the filesystem storage in a temporary directory and once with the S3 storage on a local S3 API server
(moto's standalone server, core.testing_s3; a production MinIO or Ceph answers faster than moto does).

Runs alternate (local, s3, local, s3, ...) and the best of each is kept, so other work on the shared machine
weighs on both alike. BENCH_STORAGE_PAGES (default 900: three batches of 300 pages) sets the size.
Target: the S3 run takes at most 1.10 times the local run.
"""

import datetime
import logging
import os
import tempfile
import time

from bench.common import report

TITLE = "bench: storage"
PREFIX = "Z3"
TOWNSHIPS = ["220", "221", "234", "235"]


def make_order(count: int) -> int:
    from core.models import Region
    from core.pii import check_digit
    from mobilization.models import CallUpOrder, Notice
    from mobilization.services.issuing import new_code, plan_batches
    from reservists.models import ReserveUnit, Reservist

    remove()
    towns = [Region.objects.get(code=code) for code in TOWNSHIPS]
    unit = ReserveUnit.objects.create(
        code="BENCH-STORAGE",
        name="陸軍第一〇一後備旅第一營",
        region=towns[0],
        assembly_point="新北市板橋區文化路一段188號",
    )
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title=TITLE,
        legal_basis="兵役法第38條、後備軍人召集服勤實施辦法",
        order_reference="國備動員字第1150000124號",
        report_date=datetime.date(2026, 3, 1),
        days=14,
        quota=count,
        status="issued",
    )
    per_town = -(-count // len(towns))
    people = Reservist.objects.bulk_create(
        Reservist(
            national_id=f"{PREFIX}{i:07d}" + check_digit(f"{PREFIX}{i:07d}"),
            name="王小明",
            birth_date=datetime.date(1996, 5, 31),
            branch="army",
            retirement_date=datetime.date(2020, 1, 1),
            township=towns[i // per_town],
        )
        for i in range(count)
    )
    Notice.objects.bulk_create(
        Notice(
            order=order,
            reservist=person,
            township=person.township,
            reserve_unit=unit,
            sequence=i + 1,
            number=f"115E{order.pk:05d}-{i + 1:06d}",
            report_date=order.report_date,
            report_time=datetime.time(8, 0),
            assembly_point=unit.assembly_point,
            verification_code=new_code(),
            delivery_seq=i % per_town + 1,
        )
        for i, person in enumerate(people)
    )
    plan_batches(order)
    return order.pk


def remove() -> None:
    from core.models import Job
    from mobilization.models import CallUpOrder, DeliveryMessage, Notice, NoticeBatch
    from reservists.models import ReserveUnit, Reservist

    orders = CallUpOrder.objects.filter(title=TITLE)
    DeliveryMessage.objects.filter(batch__order__in=orders).delete()
    DeliveryMessage.objects.filter(notice__order__in=orders).delete()
    NoticeBatch.objects.filter(order__in=orders).delete()
    Notice.objects.filter(order__in=orders).delete()
    orders.delete()
    Job.objects.filter(kind="bench.storage").delete()
    Reservist.objects.filter(national_id__startswith=PREFIX).delete()
    ReserveUnit.objects.filter(code="BENCH-STORAGE").delete()


def print_run(order_id: int) -> tuple[float, int, float]:
    """Every batch of the order rendered and stored from scratch, in this process: seconds, pages, and the seconds
    of them spent storing the PDFs."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from core.choices import JobStatus
    from core.models import Job
    from mobilization.choices import BatchStatus
    from mobilization.models import DeliveryMessage, NoticeBatch
    from mobilization.services import issuing

    batches = NoticeBatch.objects.filter(order_id=order_id)
    DeliveryMessage.objects.filter(batch__in=batches).delete()
    batches.update(status=BatchStatus.PENDING, file="", pages=0, rendered_at=None)
    job = Job.objects.create(kind="bench.storage", status=JobStatus.RUNNING, total=batches.count())
    ids = list(batches.order_by("pk").values_list("pk", flat=True))
    # A worker's storage client lives as long as the process: make it (and its connection) before the clock.
    default_storage.delete(default_storage.save("bench/warm-up.txt", ContentFile(b"warm")))
    storage = default_storage._wrapped
    stored = []
    save = storage.save

    def timed_save(*args, **kwargs):
        began = time.perf_counter()
        try:
            return save(*args, **kwargs)
        finally:
            stored.append(time.perf_counter() - began)

    storage.save = timed_save  # this instance only: how much of the run is the storage itself
    started = time.perf_counter()
    try:
        for batch_id in ids:
            issuing.render_batch(job.pk, batch_id)
    finally:
        del storage.save
    seconds = time.perf_counter() - started
    done = list(NoticeBatch.objects.filter(pk__in=ids))
    assert all(b.status == BatchStatus.READY and default_storage.exists(b.file.name) for b in done)
    return seconds, sum(b.pages for b in done), sum(stored)


def main():
    from django.conf import settings
    from django.test import override_settings

    from core.testing_s3 import create_bucket, start_server, storage_env, storage_settings

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    pages_wanted = int(os.environ.get("BENCH_STORAGE_PAGES", "900"))
    rounds = int(os.environ.get("BENCH_STORAGE_ROUNDS", "2"))
    server = start_server()
    order_id = make_order(pages_wanted)
    try:
        env = storage_env(server.endpoint, "bench-storage")
        create_bucket(env)
        with tempfile.TemporaryDirectory(prefix="bench-storage-") as local_dir:
            local = {
                "STORAGES": {
                    **settings.STORAGES,
                    "default": {
                        "BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": local_dir},
                    },
                }
            }
            with override_settings(**local):
                print_run(order_id)  # warm-up: fonts, templates, connections
            times = {"local": [], "s3": []}
            storing = {"local": [], "s3": []}
            for _ in range(rounds):
                for name, overrides in (("local", local), ("s3", storage_settings(env))):
                    with override_settings(**overrides):
                        seconds, pages, in_storage = print_run(order_id)
                    times[name].append(seconds)
                    storing[name].append(in_storage)
        best = {name: min(values) for name, values in times.items()}
        report(f"storage.print_local_disk_s ({pages} pages)", best["local"], "s")
        report(f"storage.print_object_storage_s ({pages} pages)", best["s3"], "s")
        report("storage.print_local_pages_per_s", pages / best["local"], "p/s")
        report("storage.print_object_storage_pages_per_s", pages / best["s3"], "p/s")
        print(f"   {'storage.object_over_local_ratio':<55} {best['s3'] / best['local']:10.3f}    (target ≤ 1.10)")
        report("storage.ms_storing_local (best run)", 1000 * min(storing["local"]), "ms")
        report("storage.ms_storing_object_storage (best run)", 1000 * min(storing["s3"]), "ms")
        report("storage.loadavg_1min", os.getloadavg()[0], "")
    finally:
        remove()
        server.stop()
