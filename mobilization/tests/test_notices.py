"""Issuing notices (eager Celery) and the notice API: who is called, exactly once, resumable; the workflow
actions (delivery, acknowledgement, attendance, Art. 31 postponement) and their refusals; scope."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from core.choices import JobStatus
from core.models import AuditEvent, Job
from core.testing import api_client, connection_lost_after
from mobilization import services
from mobilization.choices import BatchStatus, OrderStatus
from mobilization.models import DeliveryMessage, Notice, NoticeBatch, Postponement
from mobilization.services import issuing
from reservists.models import ServiceRecord

from .notice_world import REPORT_DATE, approved_order

pytestmark = pytest.mark.django_db
ORDERS = "/api/mobilization/orders/"
NOTICES = "/api/mobilization/notices/"


@pytest.fixture
def issue(run_on_commit):
    def go(user, order):
        response = run_on_commit(lambda: api_client(user).post(f"{ORDERS}{order.pk}/issue/", {}, format="json"))
        return response

    return go


def issued(users, issue, **kw):
    world = approved_order(users, **kw)
    response = issue(users.staff, world.order)
    assert response.status_code == 202, response.content
    world.order.refresh_from_db()
    return world, response.json()


def test_issue_returns_the_job_and_calls_exactly_the_first_wave(users, issue):
    world, job = issued(users, issue)
    assert job["kind"] == "mobilization.issue" and {"status", "progress"} <= set(job)
    polled = api_client(users.staff).get(f"/api/jobs/{job['id']}/").json()
    assert polled["status"] == "succeeded" and polled["progress"] == 100
    assert world.order.status == OrderStatus.ISSUED
    notices = list(Notice.objects.filter(order=world.order).order_by("sequence"))
    assert [n.reservist_id for n in notices] == [r.pk for r in world.called]
    assert [n.sequence for n in notices] == list(range(1, len(world.called) + 1))
    called_ids = {n.reservist_id for n in notices}
    for name, person in world.not_called.items():
        assert person.pk not in called_ids, name


def test_later_people_fill_the_quota_after_the_eligible(users, issue):
    world, _job = issued(users, issue, quota=9)  # 7 eligible (one excluded) + the Art. 30 student; never the judge
    people = list(Notice.objects.filter(order=world.order).order_by("sequence").values_list("reservist_id", flat=True))
    assert len(people) == 8
    assert people[-1] == world.not_called["student"].pk
    assert world.not_called["judge"].pk not in people and world.not_called["excluded"].pk not in people


def test_each_notice_has_number_code_and_the_units_assembly_point(users, issue):
    world, _job = issued(users, issue)
    first = Notice.objects.get(order=world.order, sequence=1)
    assert first.number == f"116E{world.order.pk:05d}-000001"
    assert len(first.verification_code) == 16 and first.verification_code.isalnum()
    assert first.report_date == REPORT_DATE
    assert first.assembly_point == world.unit.assembly_point and first.report_time == datetime.time(7, 30)
    codes = set(Notice.objects.filter(order=world.order).values_list("verification_code", flat=True))
    assert len(codes) == len(world.called)
    taipei = Notice.objects.get(order=world.order, township__code="100")
    assert taipei.reserve_unit is None and taipei.assembly_point  # no unit: the township office announces it


def test_batches_are_printed_per_township_and_the_notices_sent(users, issue):
    world, job = issued(users, issue)
    batches = NoticeBatch.objects.filter(order=world.order)
    assert sorted(b.township.code for b in batches) == ["100", "220", "221"]
    for batch in batches:
        assert batch.status == BatchStatus.READY and batch.file.read(5) == b"%PDF-"
        assert batch.pages == batch.count == Notice.objects.filter(order=world.order, township=batch.township).count()
    assert set(Notice.objects.filter(order=world.order).values_list("status", flat=True)) == {"sent"}
    posts = DeliveryMessage.objects.filter(channel="post")
    assert posts.count() == 3
    sms = DeliveryMessage.objects.get(channel="sms")
    assert sms.recipient == "0912345678" and "/verify/" in sms.body
    assert DeliveryMessage.objects.filter(channel="email", recipient="a@example.tw").exists()
    assert Job.objects.get(pk=job["id"]).result["notices"] == len(world.called)


def test_the_database_refuses_a_second_notice_for_the_same_person(users, issue):
    world, _job = issued(users, issue)
    notice = Notice.objects.filter(order=world.order).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Notice.objects.create(
            order=world.order,
            reservist=notice.reservist,
            township=notice.township,
            sequence=999,
            number="dup",
            report_date=notice.report_date,
            report_time=notice.report_time,
            assembly_point="x",
            verification_code="DUPLICATECODE",
        )


def test_running_the_job_again_changes_nothing(users, issue):
    world, job = issued(users, issue)
    before = list(Notice.objects.filter(order=world.order).values_list("id", "verification_code"))
    Job.objects.filter(pk=job["id"]).update(status=JobStatus.RUNNING)
    issuing.run(job["id"], world.order.pk)
    assert list(Notice.objects.filter(order=world.order).values_list("id", "verification_code")) == before


def test_a_crash_between_chunks_resumes_where_it_stopped(users, run_on_commit, settings, monkeypatch):
    settings.NOTICE_ISSUE_CHUNK = 2
    world = approved_order(users)
    real = issuing._write_chunk
    calls = []

    def crash_on_third(*args):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("worker lost")
        return real(*args)

    monkeypatch.setattr(issuing, "_write_chunk", crash_on_third)
    job = run_on_commit(lambda: issuing.start(user=users.staff, order=world.order))
    job.refresh_from_db()
    world.order.refresh_from_db()
    assert job.status == JobStatus.FAILED and "worker lost" in job.error
    assert world.order.status == OrderStatus.FAILED
    assert Notice.objects.filter(order=world.order).count() == 4  # two whole chunks, nothing of the third
    monkeypatch.setattr(issuing, "_write_chunk", real)
    run_on_commit(lambda: issuing.start(user=users.staff, order=world.order))
    world.order.refresh_from_db()
    assert world.order.status == OrderStatus.ISSUED
    people = list(Notice.objects.filter(order=world.order).order_by("sequence").values_list("reservist_id", flat=True))
    assert people == [r.pk for r in world.called]


@pytest.mark.django_db(transaction=True)
def test_a_lost_database_connection_mid_chunk_leaves_no_partial_chunk(users, settings):
    """The connection dies after the second chunk's INSERT ran but before its commit (#10: faults)."""
    from django.db import connection

    from core import jobs
    from mobilization.models import CallUpOrder
    from mobilization.tasks import issue_notices

    settings.NOTICE_ISSUE_CHUNK = 3
    world = approved_order(users)
    job = jobs.create_job(issuing.JOB_KIND, users.staff, params={"order": world.order.pk})
    CallUpOrder.objects.filter(pk=world.order.pk).update(status=OrderStatus.ISSUING)
    with connection_lost_after("INSERT INTO mobilization_notice", after=2) as kill:
        issue_notices(job.pk, world.order.pk)
    assert kill.killed_pid
    connection.close()
    assert Notice.objects.filter(order=world.order).count() == 3  # the first chunk only: the second rolled back
    job.refresh_from_db()
    world.order.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error
    assert world.order.status == OrderStatus.FAILED
    # Issued again, it completes: one notice per person, none missing.
    job2 = issuing.start(user=users.staff, order=world.order)
    job2.refresh_from_db()
    world.order.refresh_from_db()
    assert job2.status == JobStatus.SUCCEEDED and world.order.status == OrderStatus.ISSUED
    people = list(Notice.objects.filter(order=world.order).order_by("sequence").values_list("reservist_id", flat=True))
    assert people == [r.pk for r in world.called]


def test_only_staff_with_the_permission_issue_and_only_approved_orders(users, issue):
    world = approved_order(users)
    for user in (users.township, users.approver, users.county_a):
        assert issue(user, world.order).status_code in (403, 404)
    assert not Notice.objects.exists()
    from mobilization.models import CallUpOrder

    other = CallUpOrder.objects.create(
        mobilization_type="educational", title="草稿", report_date=REPORT_DATE, days=5, quota=1, created_by=users.staff
    )
    response = issue(users.staff, other)
    assert response.status_code == 409 and response.json()["reasons"][0]["code"] == "order.wrong_status"


def test_notice_list_fields_filters_and_scope(users, issue):
    world, _job = issued(users, issue)
    data = api_client(users.staff).get(f"{ORDERS}{world.order.pk}/notices/").json()
    assert data["count"] == len(world.called)
    row = data["results"][0]
    assert set(row) >= {"id", "number", "reservist", "township", "status", "report_date", "verification_code"}
    banqiao = api_client(users.staff).get(f"{ORDERS}{world.order.pk}/notices/?township=220&status=sent").json()
    assert banqiao["count"] == 4 and {r["township"] for r in banqiao["results"]} == {"220"}
    assert api_client(users.staff).get(f"{ORDERS}{world.order.pk}/notices/?status=delivered").json()["count"] == 0
    assert api_client(users.staff).get(f"{ORDERS}{world.order.pk}/notices/?status=nonsense").status_code == 400
    # The township office sees its own township's notices only; others' are not found.
    own = api_client(users.township).get(f"{ORDERS}{world.order.pk}/notices/").json()
    assert {r["township"] for r in own["results"]} == {"220"}
    taipei = Notice.objects.get(order=world.order, township__code="100")
    assert api_client(users.township).get(f"{NOTICES}{taipei.pk}/").status_code == 404
    assert api_client(users.county_b).get(f"{NOTICES}{taipei.pk}/").status_code == 200
    assert api_client(users.agency).get(f"{NOTICES}{taipei.pk}/").status_code == 403


def test_detail_has_history_and_pdf(users, issue):
    world, _job = issued(users, issue)
    notice = Notice.objects.get(order=world.order, sequence=1)
    data = api_client(users.township).get(f"{NOTICES}{notice.pk}/").json()
    assert [h["event"] for h in data["history"]] == ["issued", "sent"]
    assert data["name"] != notice.reservist.name and notice.reservist.national_id not in str(data)
    response = api_client(users.township).get(f"{NOTICES}{notice.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:5] == b"%PDF-"


def test_delivery_acknowledgement_and_bulk_delivery(users, issue):
    world, _job = issued(users, issue)
    first, second, *rest = Notice.objects.filter(order=world.order, township__code="220").order_by("sequence")
    client = api_client(users.township)
    assert client.post(f"{NOTICES}{first.pk}/deliver/", {}, format="json").json()["status"] == "delivered"
    refused = client.post(f"{NOTICES}{second.pk}/deliver/", {"delivered": False}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    moved = client.post(f"{NOTICES}{second.pk}/deliver/", {"delivered": False, "note": "查無此人"}, format="json")
    assert moved.json()["status"] == "undeliverable"
    assert client.post(f"{NOTICES}{first.pk}/acknowledge/", {}, format="json").json()["status"] == "acknowledged"
    again = client.post(f"{NOTICES}{first.pk}/deliver/", {}, format="json")
    assert again.status_code == 409 and again.json()["reasons"][0]["code"] == "notice.wrong_status"
    bulk = client.post(f"{ORDERS}{world.order.pk}/notices/deliver/", {"township": "220"}, format="json")
    assert bulk.json() == {"delivered": 3}  # the undeliverable one too (found later); not the acknowledged
    assert Notice.objects.filter(order=world.order, township__code="221").exclude(status="sent").count() == 0
    history = client.get(f"{NOTICES}{second.pk}/").json()["history"]
    assert [h["event"] for h in history] == ["issued", "sent", "undeliverable", "delivered"]
    assert history[2]["note"] == "查無此人" and history[2]["user_name"] == users.township.username
    assert AuditEvent.objects.filter(table_name="mobilization_notice", object_id=second.pk, action="update").exists()


def test_attendance_becomes_service_history_that_counts(users, issue):
    world, _job = issued(users, issue)
    notice = Notice.objects.get(order=world.order, sequence=1)
    client = api_client(users.township)
    assert client.post(f"{NOTICES}{notice.pk}/attendance/", {"attended": True}, format="json").status_code == 200
    record = ServiceRecord.objects.get(reservist=notice.reservist, reference=notice.number)
    assert (record.mobilization_type, record.start_date, record.days) == ("educational", REPORT_DATE, 5)
    person = services.person_facts(notice.reservist)
    assert len(person.services) == 1
    # Corrected to absent: the service record goes again, and the no-show is counted.
    client.post(f"{NOTICES}{notice.pk}/attendance/", {"attended": False}, format="json")
    assert not ServiceRecord.objects.filter(reference=notice.number).exists()
    assert client.get(f"{ORDERS}{world.order.pk}/notices/?attendance=absent").json()["count"] == 1
    assert client.post(f"{NOTICES}{notice.pk}/attendance/", {}, format="json").status_code == 400


def test_postponement_over_three_days_is_refused_citing_article_31(users, issue):
    world, _job = issued(users, issue)
    notice = Notice.objects.get(order=world.order, sequence=1)
    response = api_client(users.township).post(
        f"{NOTICES}{notice.pk}/postpone/", {"days": 4, "reason": "住院開刀"}, format="json"
    )
    assert response.status_code == 400
    reasons = response.json()["reasons"]
    assert reasons[0]["article"] == "31" and reasons[0]["code"] == "art31.max_days" and reasons[0]["message"]
    assert not Postponement.objects.exists()
    notice.refresh_from_db()
    assert notice.report_date == REPORT_DATE


def test_roll_call_has_no_postponement(users, issue):
    world, _job = issued(users, issue, mobilization_type="roll_call", days=1)
    notice = Notice.objects.filter(order=world.order).first()
    response = api_client(users.staff).post(
        f"{NOTICES}{notice.pk}/postpone/", {"days": 1, "reason": "illness"}, format="json"
    )
    assert response.status_code == 400
    assert [r["code"] for r in response.json()["reasons"]] == ["art31.type_not_covered"]
    assert {r["article"] for r in response.json()["reasons"]} == {"31"}


def test_township_request_then_mnd_grant_moves_the_date_and_reissues(users, issue):
    world, _job = issued(users, issue)
    notice = Notice.objects.get(order=world.order, sequence=1)  # has a phone: told again by SMS
    response = api_client(users.township).post(
        f"{NOTICES}{notice.pk}/postpone/", {"days": 2, "reason": "家中喪事", "kind": "major_event"}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested" and body["report_date"] == "2027-03-15"
    assert api_client(users.township).post(f"/api/mobilization/postponements/{body['id']}/approve/").status_code == 403
    second = api_client(users.township).post(
        f"{NOTICES}{notice.pk}/postpone/", {"days": 1, "reason": "x"}, format="json"
    )
    assert second.status_code == 400 and second.json()["reasons"][0]["code"] == "art31.already_postponed"
    granted = api_client(users.staff).post(f"/api/mobilization/postponements/{body['id']}/approve/", {}, format="json")
    assert granted.json()["status"] == "approved" and granted.json()["report_date"] == "2027-03-17"
    notice.refresh_from_db()
    assert notice.report_date == datetime.date(2027, 3, 17) and notice.revision == 2
    assert DeliveryMessage.objects.filter(channel="sms", notice=notice).count() == 2
    history = [h["event"] for h in api_client(users.staff).get(f"{NOTICES}{notice.pk}/").json()["history"]]
    assert history[-2:] == ["postponement.requested", "postponement.approved"]


def test_mnd_staff_grant_at_once(users, issue):
    world, _job = issued(users, issue)
    notice = Notice.objects.get(order=world.order, sequence=2)
    response = api_client(users.staff).post(
        f"{NOTICES}{notice.pk}/postpone/", {"days": 3, "reason": "illness"}, format="json"
    )
    assert response.status_code == 201 and response.json()["status"] == "approved"
    assert response.json()["kind"] == "illness" and response.json()["report_date"] == "2027-03-18"
