"""Issue 18: the audit log reads as an auditor reads, not as the database stores it."""

import datetime
import re

import pytest
from django.utils import timezone

from civil_defense.models import Member
from civil_defense.tests.factories import make_member, make_team
from core import events
from core.audit import audit_context
from core.choices import AuditAction
from core.models import AuditEvent
from core.testing import logged_in

pytestmark = pytest.mark.django_db

ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def test_rows_name_the_record_with_a_link_fields_by_label_and_before_to_after_in_local_roc_time(users):
    with audit_context(users.admin):
        team = make_team(name="板橋區民防救護分隊")
        member = make_member(team, name="王大明", phone="0911000111")
        member.phone = "0922000222"
        member.save()
    response = logged_in(users.auditor).get("/audit/", {"table": "civil_defense_member", "object_id": member.pk})
    assert response.status_code == 200
    page = response.content.decode()
    update = next(r for r in response.context["rows"] if r["event"].action == "update")
    assert update["subject"].startswith("王大明") and update["url"] == member.get_absolute_url()
    assert f'href="{member.get_absolute_url()}"' in page
    assert update["changes"] == [{"label": "電話", "before": "0911000111", "after": "0922000222", "long": False}]
    assert "0911000111</del> → <ins" in page
    # the team is named, not "team_id 7"; times are local with the ROC year, never ISO UTC
    create = next(r for r in response.context["rows"] if r["event"].action == "create")
    team_label = str(Member._meta.get_field("team").verbose_name)
    assert {"label": team_label, "before": "", "after": str(team), "long": False} in create["changes"]
    local = timezone.localtime(update["event"].created_at)
    assert update["when"] == f"民國{local.year - 1911}年{local.month}月{local.day}日 {local:%H:%M}"
    assert not ISO_UTC.search(re.sub(r'datetime="[^"]*"', "", page))
    assert "team_id" not in page and "national_id" not in page


def test_filters_by_event_person_and_local_dates_and_pages_of_25(users):
    for i in range(31):
        events.record("core.access.denied", user=users.staff, after={"path": f"/x/{i}/"})
    client = logged_in(users.auditor)
    first = client.get("/audit/", {"event": "core.access.denied", "username": "t_staff"})
    assert len(first.context["rows"]) == 25 and first.context["next_after"]
    assert 'rel="next"' in first.content.decode()
    second = client.get(
        "/audit/", {"event": "core.access.denied", "username": "t_staff", "after": first.context["next_after"]}
    )
    assert len(second.context["rows"]) == 6
    assert all(row["what"] == "拒絕存取" for row in second.context["rows"])
    assert client.get("/audit/", {"username": "t_admin", "event": "core.access.denied"}).context["rows"] == []
    today = timezone.localdate()
    by_date = client.get("/audit/", {"event": "core.access.denied", "date_from": today, "date_to": today})
    assert len(by_date.context["rows"]) == 25
    yesterday = today - datetime.timedelta(days=1)
    assert client.get("/audit/", {"event": "core.access.denied", "date_to": yesterday}).context["rows"] == []


def test_the_date_range_is_of_local_days(users):
    # 00:30 on the 1st in Taipei is 16:30 on the previous day in UTC; the log is append-only, so the event is
    # written at that time directly.
    local = timezone.make_aware(datetime.datetime(2026, 3, 1, 0, 30))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (created_at, table_name, action, event, username, message)"
            " VALUES (%s, '', 'event', 'core.access.denied', 't_staff', '')",
            [local],
        )
    client = logged_in(users.auditor)
    first = {"event": "core.access.denied", "date_from": "2026-03-01", "date_to": "2026-03-01"}
    on_the_first = client.get("/audit/", first)
    assert [timezone.localtime(r["event"].created_at) for r in on_the_first.context["rows"]] == [local]
    assert client.get("/audit/", {"event": "core.access.denied", "date_to": "2026-02-28"}).context["rows"] == []


def test_national_ids_in_change_details_are_masked_for_the_auditor(users):
    with audit_context(users.county_a):
        member = make_member(make_team(), national_id="F126745632", name="林小華")
    client = logged_in(users.auditor)
    response = client.get("/audit/", {"table": "civil_defense_member"})
    page = response.content.decode()
    assert "F126745632" not in page and "F12****632" in page
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_PII, object_id=member.pk).exists()


def test_ids_anywhere_in_the_data_are_masked(users):
    team = make_team()
    events.record("core.access.denied", user=users.county_a, obj=team, after={"path": "/x/?q=F126745632"})
    page = logged_in(users.auditor).get("/audit/", {"event": "core.access.denied"}).content.decode()
    assert "F126745632" not in page and "F12****632" in page


def test_a_role_that_may_see_full_ids_sees_them_and_the_view_is_recorded(users):
    with audit_context(users.county_a):
        member = make_member(make_team(), national_id="F126745632", name="林小華")
    response = logged_in(users.admin).get("/audit/", {"table": "civil_defense_member"})
    assert "F126745632" in response.content.decode()
    view = AuditEvent.objects.get(action=AuditAction.VIEW_PII, object_id=member.pk)
    assert view.table_name == "civil_defense_member" and view.username == users.admin.username
    # and it is in 個資存取紀錄
    access = logged_in(users.auditor).get("/audit/personal-data/")
    assert any(row["event"].pk == view.pk for row in access.context["rows"])


def test_english_reader_gets_english_labels_and_both_calendars(users):
    with audit_context(users.admin):
        member = make_member(make_team(), phone="1")
        member.phone = "2"
        member.save()
    client = logged_in(users.auditor)
    client.cookies["django_language"] = "en"
    response = client.get("/audit/", {"table": "civil_defense_member", "action": "update"}, HTTP_ACCEPT_LANGUAGE="en")
    row = response.context["rows"][0]
    assert row["changes"][0]["label"] == "Phone"
    assert "(ROC " in row["when"]
