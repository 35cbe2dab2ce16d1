"""Two hosts: two Celery worker processes, each with its own local directory (MEDIA_ROOT), render the township
batches of one order into object storage (a real S3 API: moto's server on 127.0.0.1). The web process, on a
third "host", serves each batch to the township that owns it and 404 to another; no PDF is left on a worker's disk."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from core.accounts import provision_user
from core.choices import JobStatus
from core.models import Job
from core.roles import Role
from core.testing import PASSWORD, logged_in
from core.testing_workers import kill, start_worker, wait_for, worker_environment
from mobilization import services
from mobilization.choices import BatchStatus, OrderStatus
from mobilization.models import CallUpOrder, NoticeBatch
from mobilization.services import issuing

from .helpers import make_reservist
from .notice_world import approved_order

EXTRA_TOWNSHIPS = ["231", "234", "235", "236", "238", "241", "242", "244"]  # 新北市: one batch each
# A render task that finds its batch done returns at once (tasks are idempotent and may run twice): count PDFs made.
RENDERED = re.compile(r"Step 6 - Creating PDF")


def township_office(code):
    from django.contrib.auth import get_user_model

    existing = get_user_model().objects.filter(username=f"t_township_{code}").first()
    return existing or provision_user(
        f"t_township_{code}", Role.TOWNSHIP_OFFICE, password=PASSWORD, check_password=False, regions=[code]
    )


@pytest.mark.worker
@pytest.mark.usefixtures("real_broker")
@pytest.mark.django_db(transaction=True)
def test_two_workers_on_separate_disks_print_into_object_storage_and_each_township_gets_its_own(
    users, s3_storage, tmp_path
):
    world = approved_order(users, quota=8 + 2 * len(EXTRA_TOWNSHIPS), exclude_one=False)
    for code in EXTRA_TOWNSHIPS:
        make_reservist(township_code=code)
        make_reservist(township_code=code)
    CallUpOrder.objects.filter(pk=world.order.pk).update(status=OrderStatus.SELECTING)
    services.run_selection(world.order.pk)
    CallUpOrder.objects.filter(pk=world.order.pk).update(status=OrderStatus.APPROVED)
    world.order.refresh_from_db()

    disks = {name: tmp_path / f"host-{name}" for name in ("a", "b")}
    logs = {name: tmp_path / f"worker-{name}.log" for name in disks}
    workers = []
    try:
        for name, disk in disks.items():
            disk.mkdir()
            env = {**s3_storage.env, "MEDIA_ROOT": str(disk)}
            with open(logs[name], "wb") as log:
                workers.append(start_worker(f"host-{name}", env=env, output=log))
        job = issuing.start(user=users.staff, order=world.order)
        finished = wait_for(
            lambda: Job.objects.filter(pk=job.pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first(),
            240,
            "the issuing job to finish on the two workers",
        )
    finally:
        for worker in workers:
            kill(worker)
    assert finished.status == JobStatus.SUCCEEDED, finished.error

    batches = list(NoticeBatch.objects.filter(order=world.order).select_related("township"))
    assert len(batches) == 3 + len(EXTRA_TOWNSHIPS)
    assert {b.status for b in batches} == {BatchStatus.READY}
    assert s3_storage.objects() == sorted(b.file.name for b in batches)  # every batch, in the bucket
    rendered = {name: len(RENDERED.findall(Path(log).read_text(errors="replace"))) for name, log in logs.items()}
    assert sum(rendered.values()) == len(batches), rendered  # each batch printed once, by one of the two
    assert all(rendered.values()), rendered  # both "hosts" printed
    for name, disk in disks.items():
        assert [p for p in disk.rglob("*") if p.is_file()] == [], name  # nothing on a worker's own disk

    other = township_office("221")
    for batch in batches:
        url = reverse("mobilization:notice-batch-download", args=[batch.pk])
        response = logged_in(township_office(batch.township.code)).get(url)
        assert response.status_code == 200, batch.township.code
        body = b"".join(response.streaming_content)
        assert body.startswith(b"%PDF-") and len(body) == int(response["Content-Length"])
        expected_other = 200 if batch.township.code == "221" else 404
        assert logged_in(other).get(url).status_code == expected_other, batch.township.code


def test_a_worker_started_with_its_own_directory_and_storage_really_uses_them(s3_storage, tmp_path):
    """The premise of the test above: the harness's MEDIA_ROOT and S3 settings reach the worker's Django."""
    environment = worker_environment({**s3_storage.env, "MEDIA_ROOT": str(tmp_path / "host-c")})
    probe = (
        "import django, json; django.setup(); from django.conf import settings;"
        "from django.core.files.storage import default_storage as d; d._setup();"
        "print(json.dumps([str(settings.MEDIA_ROOT), type(d._wrapped).__name__, d.bucket_name]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=environment, capture_output=True, text=True, check=True)
    media_root, backend, bucket = json.loads(out.stdout.strip().splitlines()[-1])
    assert media_root == str(tmp_path / "host-c")
    assert backend == "S3Storage" and bucket == s3_storage.bucket
