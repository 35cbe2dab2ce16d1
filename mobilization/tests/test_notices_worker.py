"""Issuing with a real Celery worker on Redis: the worker is killed by a signal in the middle of writing the
notices, started again, and the job finishes with exactly one notice per called person, none missing."""

import pytest

from core.choices import JobStatus
from core.models import Job
from core.testing_workers import kill, start_worker, wait_for
from mobilization.choices import BatchStatus, OrderStatus
from mobilization.models import CallUpOrder, Notice, NoticeBatch
from mobilization.services import issuing

from .helpers import make_reservist
from .notice_world import approved_order

PEOPLE = 120  # on top of the world's eight; chunks of 10 with a pause: the kill lands mid-way
CHUNKED = {"NOTICE_ISSUE_CHUNK": "10", "NOTICE_ISSUE_PAUSE": "0.25"}


@pytest.mark.django_db(transaction=True)
def test_killed_worker_restarts_and_the_job_finishes_exactly_once(users, real_broker):
    # Without the review exclusion: the selection runs again below, once the extra people are in the registry.
    world = approved_order(users, quota=PEOPLE + 8, exclude_one=False)
    extra = [make_reservist(reserve_unit=world.unit, township_code="220") for _ in range(PEOPLE)]
    # The new people join the candidates as a fresh selection would have them.
    CallUpOrder.objects.filter(pk=world.order.pk).update(status=OrderStatus.SELECTING)
    from mobilization import services

    services.run_selection(world.order.pk)
    CallUpOrder.objects.filter(pk=world.order.pk).update(status=OrderStatus.APPROVED)
    world.order.refresh_from_db()
    expected = {r.pk for r in world.called} | {r.pk for r in extra}

    worker = start_worker("first", env=CHUNKED)
    try:
        job = issuing.start(user=users.staff, order=world.order)
        # Kill it once some chunks are committed and many are still to come.
        wait_for(lambda: Notice.objects.filter(order=world.order).count() >= 30, 120, "the first chunks")
        kill(worker)
        written = Notice.objects.filter(order=world.order).count()
        assert 30 <= written < PEOPLE, written  # really in the middle
        assert Job.objects.get(pk=job.pk).status == JobStatus.RUNNING
        worker = start_worker("second", env=CHUNKED)  # on start it resumes the interrupted job
        finished = wait_for(
            lambda: Job.objects.filter(pk=job.pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).first(),
            180,
            "the job to finish",
        )
    finally:
        kill(worker)
    assert finished.status == JobStatus.SUCCEEDED, finished.error
    people = list(Notice.objects.filter(order=world.order).values_list("reservist_id", flat=True))
    assert len(people) == len(set(people)) == len(expected)
    assert set(people) == expected
    assert sorted(Notice.objects.filter(order=world.order).values_list("sequence", flat=True)) == list(
        range(1, len(expected) + 1)
    )
    world.order.refresh_from_db()
    assert world.order.status == OrderStatus.ISSUED
    assert not NoticeBatch.objects.filter(order=world.order).exclude(status=BatchStatus.READY).exists()
