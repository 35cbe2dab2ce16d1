"""Recall and correction after issuing (four-eyes, a job, idempotent and resumable), closing with the frozen
yield, and no-show cases with their steps, through the API."""

import datetime

import pytest
from django.contrib.auth.models import Permission

from core.choices import JobStatus
from core.models import AuditEvent, Job
from core.testing import api_client
from mobilization.models import CallUpOrder, DeliveryMessage, NoShowCase, Notice, OrderChange, OrderYield
from mobilization.services import changes, delivery

from .lifecycle_world import issued_order

pytestmark = pytest.mark.django_db
ORDERS = "/api/mobilization/orders/"
CHANGES = "/api/mobilization/changes/"
CASES = "/api/mobilization/no-show-cases/"
PAST = datetime.date(2026, 9, 1)


def propose(user, order, kind="recall", **body):
    body.setdefault("reason", "誤發")
    return api_client(user).post(f"{ORDERS}{order.pk}/{kind}/", body, format="json")


def test_recall_of_one_township_is_four_eyes_and_withdraws_and_alerts_every_notice(users, run_on_commit):
    world = issued_order(users)
    response = propose(users.staff, world.order, townships=["220"])
    assert response.status_code == 201, response.content
    change = response.json()
    assert change["status"] == "proposed" and change["townships"] == ["220"]
    assert Notice.objects.filter(order=world.order, status="withdrawn").count() == 0
    # The proposer cannot decide (even holding the permission): four-eyes.
    users.staff.user_permissions.add(Permission.objects.get(codename="decide_orderchange"))
    staff = type(users.staff).objects.get(pk=users.staff.pk)
    response = api_client(staff).post(f"{CHANGES}{change['id']}/approve/", {}, format="json")
    assert response.status_code == 409 and response.json()["reasons"][0]["code"] == "four_eyes"
    # Another county's approver-like user does not even see it; a township office may not approve.
    assert api_client(users.township).post(f"{CHANGES}{change['id']}/approve/", {}).status_code == 403
    response = run_on_commit(lambda: api_client(users.approver).post(f"{CHANGES}{change['id']}/approve/", {}))
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == JobStatus.SUCCEEDED
    banqiao = Notice.objects.filter(order=world.order, township__code="220")
    assert set(banqiao.values_list("status", flat=True)) == {"withdrawn"}
    assert Notice.objects.get(order=world.order, township__code="221").status != "withdrawn"
    # Each person with a phone or e-mail is alerted once; the township office gets its letters by post.
    b1, b2 = world.notice("b1"), world.notice("b2")
    assert DeliveryMessage.objects.filter(notice=b1, channel="sms", body__contains="撤銷").count() == 1
    assert DeliveryMessage.objects.filter(notice=b2, channel="email").count() == 1
    assert DeliveryMessage.objects.filter(channel="post", subject="撤銷召集通知").count() == 1
    assert OrderChange.objects.get().status == "done" and OrderChange.objects.get().affected == 3
    assert AuditEvent.objects.filter(event="mobilization.order.recalled").count() == 1
    verify = api_client().get(f"/api/verify/{b1.verification_code}/").json()
    assert verify["status"] == "withdrawn" and verify["binding"] is False
    # The job is idempotent: running it again changes and sends nothing more.
    messages = DeliveryMessage.objects.count()
    changes.run(job.pk, change["id"])
    assert DeliveryMessage.objects.count() == messages


def test_recall_job_killed_half_way_resumes_and_alerts_each_person_exactly_once(
    users, run_on_commit, monkeypatch, settings
):
    world = issued_order(users)
    change = propose(users.staff, world.order).json()
    settings.LIFECYCLE_CHUNK = 2  # notices per transaction of the job
    real_send, calls = delivery.send, []

    def crash_on_second_chunk(messages):
        calls.append(len(messages))
        if len(calls) == 2:
            raise RuntimeError("worker killed")
        real_send(messages)

    monkeypatch.setattr(delivery, "send", crash_on_second_chunk)
    response = run_on_commit(lambda: api_client(users.approver).post(f"{CHANGES}{change['id']}/approve/", {}))
    job_id = response.json()["id"]
    assert Job.objects.get(pk=job_id).status == JobStatus.FAILED
    assert Notice.objects.filter(order=world.order, status="withdrawn").count() == 2  # first chunk committed
    monkeypatch.setattr(delivery, "send", real_send)
    changes.run(job_id, change["id"])
    assert Notice.objects.filter(order=world.order, status="withdrawn").count() == 4
    for notice in Notice.objects.filter(order=world.order):
        person = notice.reservist
        expected = int(bool(person.phone)) + int(bool(person.email))
        assert DeliveryMessage.objects.filter(notice=notice).exclude(channel="post").count() == expected
    world.order.refresh_from_db()
    assert world.order.status == "recalled"  # the whole order was recalled


def test_correction_makes_a_new_revision_and_alerts(users, run_on_commit):
    world = issued_order(users)
    new_day = datetime.date(2027, 4, 1)
    assert propose(users.staff, world.order, "correct").status_code == 400  # nothing to correct
    body = {"townships": ["221"], "report_date": new_day.isoformat(), "assembly_point": "汐止營區"}
    response = propose(users.staff, world.order, "correct", **body)
    assert response.status_code == 201, response.content
    # a second change while one is standing is refused
    assert propose(users.staff, world.order, townships=["220"]).status_code == 409
    run_on_commit(lambda: api_client(users.approver).post(f"{CHANGES}{response.json()['id']}/approve/", {}))
    x1 = world.notice("x1")
    assert (x1.revision, x1.report_date, x1.assembly_point) == (2, new_day, "汐止營區")
    assert world.notice("b1").revision == 1
    assert DeliveryMessage.objects.filter(notice=x1, channel="sms", body__contains="更正").count() == 1
    assert AuditEvent.objects.filter(event="mobilization.order.corrected").count() == 1


def test_recall_refusals_and_scope(users):
    world = issued_order(users)
    assert propose(users.township, world.order).status_code == 403
    assert propose(users.staff, world.order, reason="").status_code == 400
    assert propose(users.staff, world.order, townships=["999"]).status_code == 400
    assert propose(users.staff, world.order, colour="red").status_code == 400
    change = propose(users.staff, world.order).json()
    response = api_client(users.approver).post(f"{CHANGES}{change['id']}/refuse/", {}, format="json")
    assert response.status_code == 400  # a refusal needs its reason
    response = api_client(users.approver).post(f"{CHANGES}{change['id']}/refuse/", {"comment": "不需"}, format="json")
    assert response.json()["status"] == "refused"
    assert not Notice.objects.filter(order=world.order, status="withdrawn").exists()


def record(user, notice, attended):
    response = api_client(user).post(f"/api/mobilization/notices/{notice.pk}/attendance/", {"attended": attended})
    assert response.status_code == 200, response.content


def test_closing_freezes_the_yield_and_opens_a_case_per_absentee(users):
    world = issued_order(users, report_date=PAST)
    staff = api_client(users.staff)
    staff.post(f"/api/mobilization/notices/{world.notice('x1').pk}/exempt/", {"ground": "illness"}, format="json")
    record(users.township, world.notice("b1"), True)
    record(users.township, world.notice("b2"), False)
    response = staff.post(f"{ORDERS}{world.order.pk}/close/", {}, format="json")
    assert response.status_code == 409
    reason = response.json()["reasons"][0]
    assert reason["code"] == "order.attendance_missing" and "2" in reason["message"]
    assert reason["link"].endswith(f"/orders/{world.order.pk}/notices/?attendance=none")
    record(users.township, world.notice("b3"), False)
    unknown = world.notice("x2")  # the replacement of x1
    assert staff.post(f"/api/mobilization/notices/{unknown.pk}/attendance-unknown/", {}).status_code == 400
    response = staff.post(f"/api/mobilization/notices/{unknown.pk}/attendance-unknown/", {"note": "失聯"})
    assert response.status_code == 200
    assert api_client(users.township).post(f"{ORDERS}{world.order.pk}/close/", {}).status_code == 403
    response = staff.post(f"{ORDERS}{world.order.pk}/close/", {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["cases"] == 2
    world.order.refresh_from_db()
    assert world.order.status == "closed"
    total = OrderYield.objects.get(order=world.order, township=None)
    assert (total.called, total.exempted, total.replaced, total.reported, total.no_show, total.unknown) == (
        5,
        1,
        1,
        1,
        2,
        1,
    )
    figures = api_client(users.county_a).get(f"{ORDERS}{world.order.pk}/yield/").json()
    banqiao = next(t for t in figures["townships"] if t["township"] == "220")
    assert (banqiao["called"], banqiao["reported"], banqiao["no_show"]) == (3, 1, 2)
    # a nationwide order is visible to every county, but its figures only for the county's own townships
    theirs = api_client(users.county_b).get(f"{ORDERS}{world.order.pk}/yield/").json()
    assert theirs["townships"] == [] and theirs["total"]["called"] == 0
    # the closed order is read-only
    response = api_client(users.township).post(
        f"/api/mobilization/notices/{world.notice('b3').pk}/attendance/", {"attended": True}
    )
    assert response.status_code == 409
    assert propose(users.staff, world.order).status_code == 409
    # cases: the township's worklist, steps, referral letter
    clerk = api_client(users.township)
    listed = clerk.get(CASES, {"order": world.order.pk, "township": "220", "status": "open"}).json()
    assert listed["count"] == 2
    assert api_client(users.county_b).get(CASES).json()["count"] == 0
    assert api_client(users.county_a).get(CASES).json()["count"] == 2
    case = NoShowCase.objects.get(notice=world.notice("b2"))
    assert case.due_date == datetime.date.today() + datetime.timedelta(days=60)
    step = {"step": "justified", "note": "x"}
    assert api_client(users.county_b).post(f"{CASES}{case.pk}/steps/", step).status_code in (403, 404)
    assert clerk.post(f"{CASES}{case.pk}/steps/", {"step": "dance", "note": "x"}).status_code == 400
    body = clerk.post(f"{CASES}{case.pk}/steps/", {"step": "contact_attempted", "note": "電話未接"}).json()
    assert body["status"] == "open" and body["owner"] == users.township.username
    body = clerk.post(f"{CASES}{case.pk}/steps/", {"step": "unjustified", "note": "無正當理由"}).json()
    assert body["status"] == "referred" and [s["step"] for s in body["steps"]] == ["contact_attempted", "unjustified"]
    assert clerk.post(f"{CASES}{case.pk}/steps/", {"step": "justified", "note": "x"}).status_code == 409
    letter = clerk.get(f"{CASES}{case.pk}/referral/")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(event="mobilization.noshow.step_recorded").count() == 2
    assert AuditEvent.objects.filter(event="mobilization.order.closed").count() == 1


def test_closing_is_refused_during_the_service_period(users):
    world = issued_order(users)
    for name in ("b1", "b2", "b3", "x1"):
        record(users.staff, world.notice(name), True)
    response = api_client(users.staff).post(f"{ORDERS}{world.order.pk}/close/", {}, format="json")
    assert response.status_code == 409 and response.json()["reasons"][0]["code"] == "order.in_service"
    assert CallUpOrder.objects.get(pk=world.order.pk).status == "issued" and not OrderYield.objects.exists()


def test_readiness_report_counts_the_no_show_cases_per_county(users):
    from reports.scope import ReportScope
    from reports.sections import call_ups

    world = issued_order(users, report_date=PAST)
    Notice.objects.filter(order=world.order).update(attendance="present")
    Notice.objects.filter(pk__in=[world.notice("b2").pk, world.notice("x1").pk]).update(attendance="absent")
    api_client(users.staff).post(f"{ORDERS}{world.order.pk}/close/", {}, format="json")
    case = NoShowCase.objects.get(notice=world.notice("b2"))
    api_client(users.township).post(f"{CASES}{case.pk}/steps/", {"step": "unjustified", "note": "無理由"})
    as_of = datetime.date.today()
    nation = call_ups.gather(ReportScope.parse("nation"), as_of)["cases"]
    assert (nation["open"], nation["referred"]) == (1, 1)
    assert call_ups.gather(ReportScope.parse("TW-NWT"), as_of)["cases"]["referred"] == 1
    assert call_ups.gather(ReportScope.parse("TW-TPE"), as_of)["cases"] == {
        "open": 0,
        "overdue": 0,
        "justified": 0,
        "referred": 0,
        "public_notice": 0,
    }
