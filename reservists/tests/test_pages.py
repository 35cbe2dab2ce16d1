import csv
import datetime
import io

import pytest
from django.urls import reverse

from core.choices import AuditAction
from core.models import AuditEvent
from core.testing import ScopedViewContract, county, logged_in
from reservists.models import PriorityGrant, Reservist, ServiceRecord

from .factories import make_grant, make_reservist, make_service, national_id

pytestmark = pytest.mark.django_db


class TestReservistDetailPage(ScopedViewContract):
    def make_object(self, region):
        return make_reservist(region)

    def url(self, obj):
        return reverse("reservists:detail", args=[obj.pk])


class TestReservistEditPage(ScopedViewContract):
    allowed = "staff"
    denied = "county_a"
    in_scope_county = "TW-NWT"
    out_of_scope_county = "TW-TPE"

    def make_object(self, region):
        return make_reservist(region)

    def url(self, obj):
        return reverse("reservists:update", args=[obj.pk])

    def test_out_of_scope_is_not_found(self, users):
        # staff is nationwide; a county-limited staffer is checked in test_regional_staff_edit_scope
        pass


class TestServiceRecordForm(ScopedViewContract):
    allowed = "staff"
    denied = "township"

    def make_object(self, region):
        return make_reservist(region)

    def url(self, obj):
        return reverse("reservists:service-record-create", args=[obj.pk])

    def test_out_of_scope_is_not_found(self, users):
        pass


class TestMoveForm(ScopedViewContract):
    allowed = "township"
    denied = "county_a"

    def make_object(self, region):
        return make_reservist(region)

    def url(self, obj):
        return reverse("reservists:move-create", args=[obj.pk])


def test_list_page_contract(users, client):
    url = reverse("reservists:list")
    assert client.get(url).status_code == 302
    assert logged_in(users.nobody).get(url).status_code == 403
    assert logged_in(users.agency).get(url).status_code == 403
    mine = make_reservist(county("TW-NWT"), name="板橋人")
    theirs = make_reservist(county("TW-TPE"), name="臺北人")
    page = logged_in(users.county_a).get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "板橋人" in html and "臺北人" not in html
    assert mine.masked_national_id in html and mine.national_id not in html
    assert theirs.masked_national_id not in html


def test_list_filters_search_and_keyset(users):
    for i in range(55):
        make_reservist(county("TW-NWT"), name=f"王{i:02d}")
    target = make_reservist(county("TW-NWT"), name="李特別", branch="navy")
    client = logged_in(users.staff)
    first = client.get(reverse("reservists:list"))
    assert first.context["next_after"] is not None and len(first.context["reservists"]) == 50
    second = client.get(reverse("reservists:list") + f"?after={first.context['next_after']}")
    assert len(second.context["reservists"]) == 6
    assert [r.pk for r in client.get(reverse("reservists:list") + "?q=李").context["reservists"]] == [target.pk]
    found = client.get(reverse("reservists:list") + f"?q={target.national_id}").context["reservists"]
    assert [r.pk for r in found] == [target.pk]
    assert [r.pk for r in client.get(reverse("reservists:list") + "?branch=navy").context["reservists"]] == [target.pk]


def test_list_page_query_count(users, django_assert_max_num_queries):
    for _ in range(50):
        make_reservist(county("TW-NWT"))
    client = logged_in(users.county_a)
    client.get(reverse("reservists:list"))  # warm caches (content types, session)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("reservists:list") + "?county=TW-NWT&has_grant=false").status_code == 200


def test_detail_shows_history_and_logs_full_id(users):
    reservist = make_reservist(county("TW-NWT"))
    make_service(reservist, days=12)
    make_grant(reservist, basis="art29.5")
    html = logged_in(users.staff).get(reverse("reservists:detail", args=[reservist.pk])).content.decode()
    assert reservist.national_id in html and "call-up-decisions" in html
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_PII, object_id=reservist.pk).count() == 1
    html = logged_in(users.county_a).get(reverse("reservists:detail", args=[reservist.pk])).content.decode()
    assert reservist.national_id not in html and reservist.masked_national_id in html
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_PII).count() == 1


def test_create_form_validates_per_field(users, settings):
    settings.LANGUAGE_CODE = "en"
    client = logged_in(users.staff)
    data = {
        "national_id": "A123456788",
        "name": "測試",
        "birth_date": "1990-01-01",
        "category": "reservist",
        "branch": "army",
        "retirement_date": "1980-01-01",
        "township": county("TW-NWT").children.get(code="220").pk,
        "status": "active",
    }
    response = client.post(reverse("reservists:create"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "check digit" in errors["national_id"][0]
    assert "after the birth date" in errors["retirement_date"][0]
    data.update(national_id=national_id("F"), retirement_date="2012-01-01")
    response = client.post(reverse("reservists:create"), data)
    assert response.status_code == 302
    assert Reservist.objects.get(national_id=data["national_id"]).township.code == "220"


def test_edit_keeps_national_id_when_left_empty(users):
    reservist = make_reservist(county("TW-NWT"))
    client = logged_in(users.staff)
    form = client.get(reverse("reservists:update", args=[reservist.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        national_id="",
        rank="中士",
        township=reservist.township_id,
        birth_date="1995-04-12",
        retirement_date="2019-06-30",
    )
    data.pop("reserve_unit", None)
    data.pop("id", None)
    response = client.post(reverse("reservists:update", args=[reservist.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    reservist.refresh_from_db()
    assert reservist.rank == "中士" and reservist.national_id.startswith("A1")


def test_add_service_record_and_grant_pages(users):
    reservist = make_reservist(county("TW-NWT"))
    client = logged_in(users.staff)
    response = client.post(
        reverse("reservists:service-record-create", args=[reservist.pk]),
        {"mobilization_type": "duty", "start_date": "2024-01-02", "days": 3},
    )
    assert response.status_code == 302 and ServiceRecord.objects.filter(reservist=reservist).count() == 1
    response = client.post(
        reverse("reservists:grant-create", args=[reservist.pk]),
        {"kind": "later", "basis": "art29.1", "valid_from": "2024-01-01"},
    )
    assert response.status_code == 200 and "basis" in response.context["form"].errors
    assert not PriorityGrant.objects.exists()


def test_export_is_limited_to_scope_and_masked(users):
    mine = make_reservist(county("TW-NWT"), name="甲")
    make_reservist(county("TW-TPE"), name="乙")
    response = logged_in(users.county_a).get(reverse("reservists:export"))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "national_id" and len(rows) == 2
    assert rows[1][0] == mine.masked_national_id and rows[1][1] == "甲"
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT_PII).exists()


def test_export_with_full_ids_is_logged(users):
    mine = make_reservist(county("TW-NWT"))
    make_reservist(county("TW-TPE"), branch="navy")
    response = logged_in(users.staff).get(reverse("reservists:export") + "?branch=army")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [mine.national_id]
    event = AuditEvent.objects.get(action=AuditAction.EXPORT_PII)
    assert event.after == {"rows": 1} and event.username == users.staff.username


def test_dashboard_panel(users):
    make_reservist(county("TW-NWT"))
    html = logged_in(users.county_a).get("/").content.decode()
    assert reverse("reservists:list") in html
    assert logged_in(users.staff).get("/").status_code == 200


def test_detail_retirement_is_dual_dated(users):
    reservist = make_reservist(county("TW-NWT"), retirement_date=datetime.date(2020, 1, 2))
    html = logged_in(users.county_a).get(reverse("reservists:detail", args=[reservist.pk])).content.decode()
    assert "2020-01-02" in html


def test_service_record_cannot_start_in_the_future(users):
    reservist = make_reservist(county("TW-NWT"))
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    response = logged_in(users.staff).post(
        reverse("reservists:service-record-create", args=[reservist.pk]),
        {"mobilization_type": "duty", "start_date": future, "days": 3},
    )
    assert response.status_code == 200 and "start_date" in response.context["form"].errors
    assert not ServiceRecord.objects.exists()
