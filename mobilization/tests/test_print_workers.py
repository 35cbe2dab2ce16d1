"""Printing with several real Celery workers on Redis, as on several hosts.

- Two print workers, each with its own directory. One is killed (SIGKILL) while it prints a township batch;
  the other finishes that batch, once: the batch's lease runs out, the scheduler's sweep finds its lock free
  and puts it back on the print queue (Redis alone would wait an hour, its visibility timeout).
- A selection requested while a long print run occupies the print worker is done within seconds: interactive
  work has its own queue and worker and never waits behind printing.
"""

import time

import pytest

from core import jobs
from core.choices import JobStatus
from core.models import Job
from core.tasks import self_test
from core.testing_workers import kill, start_beat, start_worker, wait_for
from mobilization import services
from mobilization.choices import BatchStatus, Channel, OrderStatus
from mobilization.models import CallUpOrder, DeliveryMessage, Notice, NoticeBatch, NoticeEvent
from mobilization.services import issuing

from .notice_world import REPORT_DATE, approved_order

SLOW_PRINT = {"NOTICE_RENDER_PAUSE": "4", "PRINT_LEASE_SECONDS": "2"}


def taken_batch(order, job_id: int):
    """A batch a worker has taken and not finished (failing at once if the job failed instead)."""
    job = Job.objects.get(pk=job_id)
    assert job.status != JobStatus.FAILED, job.error
    return NoticeBatch.objects.filter(order=order, status=BatchStatus.PENDING).exclude(leased_by="").first()


def finished(job_id: int):
    return Job.objects.filter(pk=job_id, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first()


@pytest.mark.django_db(transaction=True)
def test_a_print_worker_killed_mid_batch_is_replaced_and_every_batch_prints_once(users, real_broker, tmp_path):
    world = approved_order(users)  # seven notices in three townships: three batches
    workers = {
        name: start_worker(name, env={**SLOW_PRINT, "MEDIA_ROOT": str(tmp_path / name)}) for name in ("one", "two")
    }
    beat = start_beat(tmp_path, env={"PRINT_SWEEP_SECONDS": "1"})
    try:
        job = issuing.start(user=users.staff, order=world.order)
        # A worker has taken a batch and is printing it: kill that worker mid-batch.
        taken = wait_for(lambda: taken_batch(world.order, job.pk), 180, "a worker to take a batch")
        victim = taken.leased_by.split("@")[0]
        survivor = "two" if victim == "one" else "one"
        kill(workers.pop(victim))
        assert NoticeBatch.objects.get(pk=taken.pk).status == BatchStatus.PENDING  # really mid-batch
        started = time.monotonic()
        done = wait_for(lambda: finished(job.pk), 120, "the other worker to finish the print run")
        recovery = time.monotonic() - started
    finally:
        for process in [*workers.values(), beat]:
            kill(process)
    assert done.status == JobStatus.SUCCEEDED, done.error
    assert recovery < 60, recovery  # a lease and a sweep, not Redis's hour
    batches = list(NoticeBatch.objects.filter(order=world.order))
    assert len(batches) == 3 and all(b.status == BatchStatus.READY and b.pages for b in batches)
    assert NoticeBatch.objects.get(pk=taken.pk).leased_by.startswith(f"{survivor}@")
    # Once: one post to the township office per batch, one "sent" step per notice.
    posts = DeliveryMessage.objects.filter(batch__order=world.order, channel=Channel.POST)
    assert sorted(posts.values_list("batch_id", flat=True)) == sorted(b.pk for b in batches)
    notices = list(Notice.objects.filter(order=world.order).values_list("pk", flat=True))
    assert len(notices) == len(world.called)
    sent = list(NoticeEvent.objects.filter(notice__order=world.order, event="sent").values_list("notice_id", flat=True))
    assert sorted(sent) == sorted(notices)


@pytest.mark.django_db(transaction=True)
def test_a_selection_finishes_while_a_long_print_run_occupies_the_print_worker(users, real_broker, tmp_path):
    world = approved_order(users)
    # As `make run` and docker-compose have it: printing on one worker, interactive work on another.
    printer = start_worker("print", queues="bulk,print", env={"NOTICE_RENDER_PAUSE": "15"})
    desk = start_worker("desk", queues="interactive,alerts")
    try:
        probe = jobs.create_job("core.self_test")
        jobs.enqueue(probe, self_test)
        wait_for(lambda: finished(probe.pk), 120, "the interactive worker to start")
        print_job = issuing.start(user=users.staff, order=world.order)
        wait_for(lambda: taken_batch(world.order, print_job.pk), 120, "the print run to start")
        order = CallUpOrder.objects.create(
            mobilization_type="educational",
            title="116年教育召集 第二梯",
            legal_basis="後備軍人召集條例",
            report_date=REPORT_DATE,
            days=5,
            quota=3,
            created_by=users.staff,
        )
        started = time.monotonic()
        services.start_selection(user=users.staff, order=order)
        wait_for(
            lambda: CallUpOrder.objects.filter(pk=order.pk).exclude(status=OrderStatus.SELECTING).exists(),
            60,
            "the selection",
        )
        waited = time.monotonic() - started
        printing = Job.objects.get(pk=print_job.pk).status
        unprinted = NoticeBatch.objects.filter(order=world.order).exclude(status=BatchStatus.READY).count()
    finally:
        kill(printer)
        kill(desk)
    order.refresh_from_db()
    assert order.status == OrderStatus.SELECTED
    assert waited < 12, waited  # the print run still has three batches of 15 s each ahead of it
    assert printing == JobStatus.RUNNING and unprinted >= 2, (printing, unprinted)


@pytest.mark.django_db(transaction=True)
def test_the_sweep_puts_back_only_batches_whose_lease_ran_out_and_whose_lock_is_free(users):
    """In process (the suite runs Celery eagerly): the sweep's choice, batch by batch."""
    import datetime

    import psycopg2
    from django.db import connection
    from django.utils import timezone

    world = approved_order(users)
    issuing.start(user=users.staff, order=world.order)  # eager: every batch printed
    lost, held, queued = NoticeBatch.objects.filter(order=world.order).order_by("id")
    past = timezone.now() - datetime.timedelta(minutes=5)
    NoticeBatch.objects.filter(pk__in=[lost.pk, held.pk]).update(
        status=BatchStatus.PENDING, leased_by="gone@host", leased_until=past
    )
    NoticeBatch.objects.filter(pk=queued.pk).update(status=BatchStatus.PENDING, leased_by="", leased_until=None)
    posts = DeliveryMessage.objects.filter(batch=lost, channel=Channel.POST)
    before = posts.count()
    db = connection.settings_dict
    other = psycopg2.connect(
        dbname=db["NAME"], user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432
    )
    try:
        with other.cursor() as cursor:  # a live worker printing `held` (its lease ran out: a slow batch)
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [issuing.LOCK_BATCH, held.pk])
        assert issuing.requeue_lost_batches() == [lost.pk]
    finally:
        other.close()
    statuses = dict(NoticeBatch.objects.filter(order=world.order).values_list("id", "status"))
    assert statuses == {lost.pk: BatchStatus.READY, held.pk: BatchStatus.PENDING, queued.pk: BatchStatus.PENDING}
    assert posts.count() == before + 1  # printed (and posted) once more, by the sweep's task
    # A batch was printed just now: a worker joining the run leaves the job alone (no re-queue of every batch).
    job = issuing.latest_job(world.order)
    assert issuing.printing_lively(Job.objects.get(pk=job.pk), timezone.now())
