"""Recall and replacement jobs with a real Celery worker on Redis, killed with SIGKILL half-way and started again
(issue 19): every notice ends in exactly one final state and every alert is written exactly once.

Small chunks with a pause (LIFECYCLE_CHUNK, LIFECYCLE_PAUSE) so that the kill lands between committed chunks."""

import pytest
from django.db.models import Count

from core.choices import JobStatus
from core.models import Job, Region
from core.testing_workers import kill, start_worker, wait_for
from mobilization.models import DeliveryMessage, ExemptionGround, Gap, Notice, NoticeEvent, OrderChange
from mobilization.services import changes, exemptions

from .helpers import make_reservist
from .lifecycle_world import issued_order

CHUNKED = {"LIFECYCLE_CHUNK": "4", "LIFECYCLE_PAUSE": "0.4"}
pytestmark = pytest.mark.django_db(transaction=True)


def bigger_world(users, *, in_220: int, in_221: int, quota: int):
    """An issued order over many people with phones: `in_220` extra people in 板橋, `in_221` in 汐止."""
    for i in range(in_220):
        make_reservist(township_code="220", phone=f"0922{i:06d}")
    for i in range(in_221):
        make_reservist(township_code="221", phone=f"0933{i:06d}")
    return issued_order(users, quota=quota)


def sms_per_notice(notice_ids, after_id: int) -> dict:
    rows = (
        DeliveryMessage.objects.filter(notice_id__in=notice_ids, channel="sms", id__gt=after_id)
        .values("notice_id")
        .annotate(n=Count("id"))
    )
    return {r["notice_id"]: r["n"] for r in rows}


def last_message() -> int:
    return DeliveryMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0


def test_recall_killed_half_way_resumes_and_alerts_each_person_exactly_once(users, real_broker):  # noqa: F811
    world = bigger_world(users, in_220=40, in_221=0, quota=40)
    order = world.order
    binding = list(Notice.objects.filter(order=order, status__in=["issued", "sent"]).values_list("pk", flat=True))
    assert len(binding) == 40
    with_phone = set(Notice.objects.filter(pk__in=binding).exclude(reservist__phone="").values_list("pk", flat=True))
    change = changes.ProposeRecall().execute(users.staff, order, note="誤發")
    before = last_message()
    worker = start_worker("recall-first", env=CHUNKED)
    try:
        changes.ApproveChange().execute(users.approver, change)
        wait_for(lambda: OrderChange.objects.get(pk=change.pk).affected >= 8, 120, "the first chunks")
        kill(worker)
        halfway = OrderChange.objects.get(pk=change.pk).affected
        assert 8 <= halfway < len(binding), halfway  # really in the middle
        assert Notice.objects.filter(pk__in=binding, status="withdrawn").count() == halfway  # chunks commit whole
        worker = start_worker("recall-second", env=CHUNKED)  # on start it resumes the interrupted change
        wait_for(lambda: OrderChange.objects.get(pk=change.pk).status == "done", 180, "the resumed recall")
    finally:
        kill(worker)
    change.refresh_from_db()
    assert change.affected == len(binding)
    assert Job.objects.get(pk=change.job_id).status == JobStatus.SUCCEEDED
    assert set(Notice.objects.filter(pk__in=binding).values_list("status", flat=True)) == {"withdrawn"}
    sent = sms_per_notice(binding, before)
    assert set(sent) == with_phone and set(sent.values()) == {1}  # every alert exactly once
    events = NoticeEvent.objects.filter(notice_id__in=binding, event="withdrawn").values("notice_id")
    assert events.count() == len(binding) == events.distinct().count()


def test_replacement_killed_half_way_resumes_and_calls_each_person_once(users, real_broker):  # noqa: F811
    world = bigger_world(users, in_220=36, in_221=40, quota=60)
    order = world.order
    ground = ExemptionGround.objects.get(code="disaster")
    township = Region.objects.get(code="220")
    before = last_message()
    worker = start_worker("replace-first", env=CHUNKED)
    try:
        area = exemptions.ExemptArea().execute(
            users.staff, order, note="地震", townships=[township], ground=ground, replace=True
        )
        assert area.job is not None and area.exempted > 20  # a job, not inline
        gaps = Gap.objects.filter(order=order)
        wait_for(lambda: gaps.filter(status="filled").count() >= 8, 120, "the first chunks")
        kill(worker)
        halfway = gaps.filter(status="filled").count()
        assert 8 <= halfway < area.exempted, halfway
        worker = start_worker("replace-second", env=CHUNKED)
        wait_for(
            lambda: Job.objects.filter(pk=area.job.pk, status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]).exists(),
            180,
            "the resumed replacement",
        )
        assert not gaps.filter(status="pending").exists()
    finally:
        kill(worker)
    gaps = Gap.objects.filter(order=order)
    assert gaps.count() == area.exempted
    filled = list(gaps.filter(status="filled").values_list("replacement_id", flat=True))
    assert len(filled) + gaps.filter(status="short").count() == area.exempted
    assert len(filled) > 8 and len(set(filled)) == len(filled)
    # each person holds at most one notice of the order, and each replacement replaces exactly one notice
    assert not Notice.objects.filter(order=order).values("reservist").annotate(n=Count("id")).filter(n__gt=1)
    replacements = Notice.objects.filter(pk__in=filled)
    assert replacements.filter(replaces__isnull=False).count() == len(filled)
    assert not replacements.filter(township=township).exists()  # never from the disaster area
    # one SMS per replacement notice, one per exempted notice with a phone
    with_phone = set(replacements.exclude(reservist__phone="").values_list("pk", flat=True))
    sent = sms_per_notice(filled, before)
    assert set(sent) == with_phone and set(sent.values()) == {1}
    exempted = list(gaps.values_list("notice_id", flat=True))
    told = sms_per_notice(exempted, before)
    assert set(told.values()) <= {1}
    assert set(told) == set(
        Notice.objects.filter(pk__in=exempted).exclude(reservist__phone="").values_list("pk", flat=True)
    )
    assert Job.objects.get(pk=area.job.pk).status == JobStatus.SUCCEEDED
