"""The annual programme (Art. 24, 27, 28), orders drawing on it, rotation leave (Art. 32) and Art. 31's grounds,
through the API as the acceptance checks use it."""

import datetime

import pytest
from django.contrib.auth.models import Group

from core.models import AuditEvent
from core.testing import api_client
from mobilization.choices import Attendance, OrderStatus
from mobilization.models import AnnualProgramme, CallUpOrder, Notice, RotationLeave

from .notice_world import REPORT_DATE, approved_order
from .test_notices import issued

pytestmark = pytest.mark.django_db
PROGRAMMES = "/api/mobilization/programmes/"
ORDERS = "/api/mobilization/orders/"
D = datetime.date


def approved_programme(users, year=2027, lines=None):
    staff, approver = api_client(users.staff), api_client(users.approver)
    response = staff.post(PROGRAMMES, {"year": year, "note": "年度計畫"}, format="json")
    assert response.status_code == 201, response.content
    programme = response.json()
    for line in lines or [
        {
            "key": "E-03",
            "mobilization_type": "educational",
            "period": f"{year}-03",
            "number": 100,
            "days": 7,
            "target_regions": ["TW-NWT"],
        },
        {"key": "R-Q2", "mobilization_type": "roll_call", "period": f"{year}-Q2", "number": 50, "days": 1},
    ]:
        added = staff.post(f"{PROGRAMMES}{programme['id']}/lines/", line, format="json")
        assert added.status_code == 201, added.content
    assert staff.post(f"{PROGRAMMES}{programme['id']}/submit/", {"comment": "請核"}, format="json").status_code == 200
    approved = approver.post(
        f"{PROGRAMMES}{programme['id']}/approve/",
        {"approval_reference": "院臺防字第1150000001號", "approved_on": f"{year - 1}-12-20"},
        format="json",
    )
    assert approved.status_code == 200, approved.content
    return approved.json()


def line_id(programme_id, key, user):
    lines = api_client(user).get(f"{PROGRAMMES}{programme_id}/lines/").json()
    return next(line["id"] for line in lines if line["key"] == key)


def order_payload(**changes):
    data = {
        "mobilization_type": "educational",
        "title": "116年3月教育召集",
        "report_date": "2027-03-15",
        "days": 5,
        "quota": 40,
        "target_regions": ["220"],
    }
    data.update(changes)
    return data


def test_programme_is_drafted_approved_by_someone_else_and_fixed(users):
    staff = api_client(users.staff)
    programme = staff.post(PROGRAMMES, {"year": 2027}, format="json").json()
    assert programme["status"] == "draft" and programme["version"] == 1
    # Nothing to submit yet.
    assert staff.post(f"{PROGRAMMES}{programme['id']}/submit/", {}, format="json").status_code == 409
    line = {"key": "E-03", "mobilization_type": "educational", "period": "2027-03", "number": 10, "days": 5}
    assert staff.post(f"{PROGRAMMES}{programme['id']}/lines/", line, format="json").status_code == 201
    bad = {**line, "key": "E-13", "period": "2027-13"}
    assert staff.post(f"{PROGRAMMES}{programme['id']}/lines/", bad, format="json").status_code == 400
    assert staff.post(f"{PROGRAMMES}{programme['id']}/submit/", {}, format="json").status_code == 200
    # The drafter holds no approval permission: 403, not 409.
    assert staff.post(f"{PROGRAMMES}{programme['id']}/approve/", {}, format="json").status_code == 403
    # An approver who also drafted or submitted it may not approve it (four-eyes).
    both = users.approver2
    both.groups.add(Group.objects.get(name="mnd_staff"))
    AnnualProgramme.objects.filter(pk=programme["id"]).update(submitted_by=both)
    refused = api_client(both).post(
        f"{PROGRAMMES}{programme['id']}/approve/",
        {"approval_reference": "x", "approved_on": "2026-12-01"},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["reasons"][0]["code"] == "programme.same_person"
    # The Executive Yuan's reference is required.
    missing = api_client(users.approver).post(f"{PROGRAMMES}{programme['id']}/approve/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["reasons"][0]["article"] == "24"
    approved = api_client(users.approver).post(
        f"{PROGRAMMES}{programme['id']}/approve/",
        {"approval_reference": "院臺防字第1150000001號", "approved_on": "2026-12-01"},
        format="json",
    )
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved" and approved.json()["approved_on"] == "2026-12-01"
    # Fixed: no new line on an approved version.
    assert (
        staff.post(f"{PROGRAMMES}{programme['id']}/lines/", {**line, "key": "E-04"}, format="json").status_code == 409
    )
    assert AuditEvent.objects.filter(event="mobilization.programme.approved", object_id=programme["id"]).count() == 1


def test_orders_draw_on_a_line_until_refused_citing_article_27(users):
    programme = approved_programme(users)
    line = line_id(programme["id"], "E-03", users.staff)
    staff = api_client(users.staff)
    first = staff.post(ORDERS, order_payload(programme_line=line, quota=60), format="json")
    assert first.status_code == 201, first.content
    second = staff.post(ORDERS, order_payload(programme_line=line, quota=40), format="json")
    assert second.status_code == 201
    over = staff.post(ORDERS, order_payload(programme_line=line, quota=1), format="json")
    assert over.status_code == 400
    reasons = over.json()["reasons"]
    assert [r["code"] for r in reasons] == ["programme.line_exceeded"] and reasons[0]["article"] == "27"
    lines = staff.get(f"{PROGRAMMES}{programme['id']}/lines/").json()
    e03 = next(x for x in lines if x["key"] == "E-03")
    assert (e03["drawn"], e03["remaining"]) == (100, 0)
    # A cancelled order gives its people back.
    CallUpOrder.objects.filter(pk=second.json()["id"]).update(status=OrderStatus.CANCELLED)
    assert staff.post(ORDERS, order_payload(programme_line=line, quota=40), format="json").status_code == 201
    # Without a line, once the year's programme is approved: refused citing Art. 27 (and 24).
    none = staff.post(ORDERS, order_payload(), format="json")
    assert none.status_code == 400 and none.json()["reasons"][0]["code"] == "programme.line_required"
    assert none.json()["reasons"][0]["article"] == "27"
    # Roll-Call cites Art. 28; a line of another type is refused.
    roll = staff.post(
        ORDERS, order_payload(mobilization_type="roll_call", days=1, report_date="2027-05-02"), format="json"
    )
    assert roll.status_code == 400 and roll.json()["reasons"][0]["article"] == "28"
    wrong_type = staff.post(
        ORDERS, order_payload(mobilization_type="roll_call", days=1, programme_line=line), format="json"
    )
    assert "programme.type_mismatch" in [r["code"] for r in wrong_type.json()["reasons"]]


def test_military_needs_override_lets_an_order_through_with_its_justification_shown(users):
    programme = approved_programme(users)
    line = line_id(programme["id"], "E-03", users.staff)
    staff = api_client(users.staff)
    no_reason = staff.post(
        ORDERS, order_payload(programme_line=line, quota=500, programme_override=True), format="json"
    )
    assert no_reason.status_code == 400
    assert no_reason.json()["reasons"][0]["code"] == "programme.override_justification"
    through = staff.post(
        ORDERS,
        order_payload(
            programme_line=line, quota=500, programme_override=True, override_justification="颱風災後急需兵力"
        ),
        format="json",
    )
    assert through.status_code == 201, through.content
    from django.test import Client

    client = Client()
    client.force_login(users.approver)
    html = client.get(f"/mobilization/orders/{through.json()['id']}/approval/").content.decode()
    assert "颱風災後急需兵力" in html and 'data-code="programme.override"' in html
    assert api_client(users.approver).get(f"{ORDERS}{through.json()['id']}/").json()["programme_override"] is True


def test_a_year_without_an_approved_programme_warns_on_the_approval_page(users):
    from django.test import Client

    order = approved_order(users).order  # 2027, no programme
    client = Client()
    client.force_login(users.approver)
    html = client.get(f"/mobilization/orders/{order.pk}/approval/").content.decode()
    assert 'data-code="programme.none_approved"' in html and 'data-article="27"' in html


def test_amendment_is_a_new_version_with_its_own_approval_and_keeps_the_earlier(users):
    programme = approved_programme(users)
    line = line_id(programme["id"], "E-03", users.staff)
    staff = api_client(users.staff)
    order = staff.post(ORDERS, order_payload(programme_line=line, quota=90), format="json").json()
    amendment = staff.post(PROGRAMMES, {"year": 2027, "note": "修正"}, format="json").json()
    assert amendment["version"] == 2 and amendment["amends"] == programme["id"]
    assert staff.post(PROGRAMMES, {"year": 2027}, format="json").status_code == 409  # one open version at a time
    new_line = line_id(amendment["id"], "E-03", users.staff)
    assert (
        staff.patch(f"{PROGRAMMES}{amendment['id']}/lines/{new_line}/", {"number": 80}, format="json").status_code
        == 200
    )
    # Until approved, the first version is in force.
    assert AnnualProgramme.objects.in_force(2027).pk == programme["id"]
    staff.post(f"{PROGRAMMES}{amendment['id']}/submit/", {}, format="json")
    api_client(users.approver).post(
        f"{PROGRAMMES}{amendment['id']}/approve/",
        {"approval_reference": "院臺防字第1150000002號", "approved_on": "2027-01-05"},
        format="json",
    )
    assert AnnualProgramme.objects.get(pk=programme["id"]).status == "superseded"
    assert AnnualProgramme.objects.in_force(2027).pk == amendment["id"]
    assert CallUpOrder.objects.get(pk=order["id"]).programme_line_id == new_line
    remaining = next(x for x in staff.get(f"{PROGRAMMES}{amendment['id']}/lines/").json() if x["key"] == "E-03")
    assert (remaining["drawn"], remaining["remaining"]) == (90, 0)
    history = staff.get(PROGRAMMES, {"year": 2027}).json()
    assert {p["version"]: p["status"] for p in history["results"]} == {1: "superseded", 2: "approved"}


def test_progress_matches_counts_from_the_orders(users, issue):
    world, _job = issued(users, issue)  # an issued educational order of 2027-03 in 新北市 and 臺北市
    programme = approved_programme(
        users,
        lines=[{"key": "E-03", "mobilization_type": "educational", "period": "2027-03", "number": 100, "days": 7}],
    )
    line = line_id(programme["id"], "E-03", users.staff)
    CallUpOrder.objects.filter(pk=world.order.pk).update(programme_line_id=line)
    Notice.objects.filter(order=world.order, township__code="220").update(attendance=Attendance.PRESENT)
    progress = api_client(users.staff).get(f"{PROGRAMMES}{programme['id']}/progress/").json()
    figures = progress["lines"][0]
    notices = Notice.objects.filter(order=world.order)
    assert figures["planned"] == 100 and figures["drawn"] == world.order.quota
    assert figures["issued"] == notices.count()
    assert figures["reported"] == notices.filter(attendance=Attendance.PRESENT).count()
    assert figures["yield"] is None  # no order of the line is closed yet
    by_county = {c["county"]: c for c in figures["counties"]}
    assert by_county["TW-NWT"]["issued"] == notices.filter(township__parent__code="TW-NWT").count()
    assert by_county["TW-TPE"]["issued"] == notices.filter(township__parent__code="TW-TPE").count()
    CallUpOrder.objects.filter(pk=world.order.pk).update(status=OrderStatus.CLOSED)
    closed = api_client(users.staff).get(f"{PROGRAMMES}{programme['id']}/progress/").json()["lines"][0]
    assert closed["yield"] == round(figures["reported"] / figures["issued"], 4)
    # A county official sees only their county's figures.
    taipei = api_client(users.county_b).get(f"{PROGRAMMES}{programme['id']}/progress/").json()["lines"][0]
    assert taipei["issued"] == notices.filter(township__parent__code="TW-TPE").count()
    assert {c["county"] for c in taipei["counties"]} == {"TW-TPE"} and taipei["remaining"] is None
    assert api_client(users.agency).get(f"{PROGRAMMES}{programme['id']}/progress/").status_code == 403
    assert api_client(users.staff).get(f"{PROGRAMMES}{programme['id']}/progress/", {"x": 1}).status_code == 400


def test_a_county_sees_only_the_lines_aimed_at_it(users):
    programme = approved_programme(users)
    taipei = api_client(users.county_b)
    keys = {x["key"] for x in taipei.get(f"{PROGRAMMES}{programme['id']}/lines/").json()}
    assert keys == {"R-Q2"}  # E-03 targets 新北市 only; R-Q2 is nationwide
    assert {x["key"] for x in api_client(users.county_a).get(f"{PROGRAMMES}{programme['id']}/lines/").json()} == {
        "E-03",
        "R-Q2",
    }
    assert taipei.post(PROGRAMMES, {"year": 2028}, format="json").status_code == 403


# ----- Art. 32 rotation leave -------------------------------------------------------------------------------


@pytest.fixture
def temporary(users, issue):
    world, _job = issued(users, issue, mobilization_type="temporary", days=60)
    Notice.objects.filter(order=world.order).update(attendance=Attendance.PRESENT)
    return world


def leave(user, order, notice, start, end):
    return api_client(user).post(
        f"{ORDERS}{order.pk}/leave/", {"notice": notice.pk, "start": start, "end": end}, format="json"
    )


def codes(response):
    return [r["code"] for r in response.json()["reasons"]]


def test_leave_is_recorded_within_the_rules_and_shown_on_the_roster(users, temporary):
    order = temporary.order
    notice = Notice.objects.filter(order=order, reserve_unit__isnull=False).order_by("sequence").first()
    # Served 14 days by 03-29; 10 % of the unit's 4 present members rounds down to none at once.
    response = leave(users.staff, order, notice, "2027-03-29", "2027-03-31")
    assert response.status_code == 400 and codes(response) == ["art32.max_share"]
    assert {r["article"] for r in response.json()["reasons"]} == {"32"}
    from mobilization.services import publish_policy

    publish_policy(user=users.admin, effective_from=D(2027, 1, 1), leave_max_share="0.25")
    ok = leave(users.staff, order, notice, "2027-03-29", "2027-03-31")
    assert ok.status_code == 201, ok.content
    roster = api_client(users.staff).get(f"{ORDERS}{order.pk}/leave/", {"day": "2027-03-30"}).json()
    assert [(x["notice"], x["start"], x["end"]) for x in roster] == [(notice.pk, "2027-03-29", "2027-03-31")]
    assert api_client(users.staff).get(f"{ORDERS}{order.pk}/leave/", {"day": "2027-04-01"}).json() == []
    # A second member of the same unit on an overlapping day breaks the 25 % share (1 of 4).
    other = Notice.objects.filter(order=order, reserve_unit=notice.reserve_unit).exclude(pk=notice.pk).first()
    assert codes(leave(users.staff, order, other, "2027-03-31", "2027-04-01")) == ["art32.max_share"]
    assert leave(users.staff, order, other, "2027-04-01", "2027-04-02").status_code == 201
    assert AuditEvent.objects.filter(event="mobilization.leave.recorded").count() == 2


def test_each_rotation_rule_refuses_citing_article_32(users, temporary):
    from mobilization.services import publish_policy

    publish_policy(user=users.admin, effective_from=D(2027, 1, 1), leave_max_share="1.00")
    order = temporary.order
    notice = Notice.objects.filter(order=order).order_by("sequence").first()
    assert codes(leave(users.staff, order, notice, "2027-03-20", "2027-03-21")) == ["art32.min_days_served"]
    assert codes(leave(users.staff, order, notice, "2027-03-29", "2027-04-02")) == ["art32.max_days"]
    assert codes(leave(users.staff, order, notice, "2027-05-20", "2027-05-21")) == ["art32.outside_service"]
    absent = Notice.objects.filter(order=order).order_by("sequence").last()
    Notice.objects.filter(pk=absent.pk).update(attendance=Attendance.ABSENT)
    assert "art32.not_reported" in codes(leave(users.staff, order, absent, "2027-03-29", "2027-03-30"))
    assert leave(users.staff, order, notice, "2027-03-29", "2027-03-30").status_code == 201
    assert codes(leave(users.staff, order, notice, "2027-03-30", "2027-03-31")) == ["art32.overlap"]
    assert RotationLeave.objects.count() == 1
    # Without the permission: 403, before any rule. The nationwide order's roster shows 臺北市 only its own.
    assert leave(users.township, order, notice, "2027-04-10", "2027-04-11").status_code == 403
    assert api_client(users.county_a).get(f"{ORDERS}{order.pk}/leave/").json()[0]["notice"] == notice.pk
    assert api_client(users.county_b).get(f"{ORDERS}{order.pk}/leave/").json() == []
    assert api_client(users.staff).get(f"{ORDERS}{order.pk}/leave/", {"unt": "x"}).status_code == 400


def test_leave_is_refused_for_other_types_citing_article_32s_scope(users, issue):
    world, _job = issued(users, issue)  # educational
    notice = Notice.objects.filter(order=world.order).first()
    response = leave(users.staff, world.order, notice, "2027-03-16", "2027-03-17")
    assert response.status_code == 400 and codes(response) == ["art32.type_not_covered"]


# ----- Art. 31 grounds --------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [None, "", "vacation"])
def test_postponement_without_a_ground_of_article_31_is_refused(users, issue, kind):
    world, _job = issued(users, issue)
    notice = Notice.objects.filter(order=world.order).first()
    body = {"days": 2, "reason": "出國旅遊"}
    if kind is not None:
        body["kind"] = kind
    response = api_client(users.staff).post(f"/api/mobilization/notices/{notice.pk}/postpone/", body, format="json")
    assert response.status_code == 400
    assert "art31.ground" in codes(response) and {r["article"] for r in response.json()["reasons"]} == {"31"}
    assert Notice.objects.get(pk=notice.pk).report_date == REPORT_DATE


def test_postponements_recorded_without_a_ground_are_listed_for_review(users, issue, client):
    from mobilization.models import Postponement

    world, _job = issued(users, issue)
    notices = list(Notice.objects.filter(order=world.order).order_by("sequence")[:2])
    old = Postponement.objects.create(
        notice=notices[0],
        kind="",
        reason="舊資料",
        days=1,
        original_report_date=REPORT_DATE,
        new_report_date=REPORT_DATE,
    )
    Postponement.objects.create(
        notice=notices[1],
        kind="illness",
        reason="住院",
        days=1,
        original_report_date=REPORT_DATE,
        new_report_date=REPORT_DATE,
    )
    client.force_login(users.staff)
    page = client.get("/mobilization/postponements/").content.decode()
    assert 'id="without-ground"' in page
    listed = client.get("/mobilization/postponements/", {"ground": "missing"}).content.decode()
    assert f'data-postponement="{old.pk}"' in listed and listed.count("data-postponement=") == 1
