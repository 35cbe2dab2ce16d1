"""Each role's home page is a worklist whose figures link to lists of exactly those rows; a notice page offers
only the forms its state allows, refuses report day months early, and puts refusals in a banner at the top and
beside the field (issue 18 items 5, 6)."""

import datetime

import pytest
from django.urls import reverse

from core.testing import logged_in
from mobilization.choices import OrderStatus
from mobilization.models import Postponement

from .test_notice_pages import REPORT, add_notices, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def attendance_upload(django_capture_on_commit_callbacks):
    """Post an attendance file and run its import (Celery is eager in tests); the result page's response."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    def run(client, order, content: bytes):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("mobilization:attendance-upload", args=[order.pk]),
                {"file": SimpleUploadedFile("attendance.csv", content)},
            )
        assert response.status_code == 302
        return client.get(response["Location"])

    return run


@pytest.fixture
def dashboard_live(settings):
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0


def figure(page: str, label: str) -> tuple[str, str]:
    """(href, value) of the worklist figure with this label on the home page."""
    at = page.index(label)
    start = page.rindex('<div class="figure', 0, at)
    block = page[start : page.index("</div>", at)]
    href = block.split('href="', 1)[1].split('"', 1)[0]
    value = block.split("<dd>", 1)[1].split("</dd>", 1)[0]
    return href.replace("&amp;", "&"), value


def test_the_township_clerks_home_counts_notices_and_links_to_exactly_them(users, dashboard_live, monkeypatch):
    order = make_order()
    mine = add_notices(order, "220", 3, status="sent")
    add_notices(order, "220", 1, status="delivered")
    add_notices(order, "100", 2, status="sent")  # another county: not the clerk's
    closed = make_order(status=OrderStatus.CANCELLED, title="撤銷的令")
    add_notices(closed, "220", 1, status="sent")  # a cancelled order: nothing to deliver
    client = logged_in(users.township)
    page = client.get(reverse("dashboard")).content.decode()
    assert "待辦事項" in page or "Waiting for you" in page
    href, value = figure(page, "待送達的召集令")
    assert value == "3"
    listed = client.get(href).content.decode()
    for notice in mine:
        assert f'data-notice="{notice.pk}"' in listed
    assert listed.count('data-notice="') == 3
    # attendance waits only once report day has come
    monkeypatch.setattr("mobilization.services.notices.today", lambda: REPORT - datetime.timedelta(days=90))
    page = client.get(reverse("dashboard")).content.decode()
    href, value = figure(page, "待登錄報到")
    assert value == "0"
    assert client.get(href).content.decode().count('data-notice="') == 0
    monkeypatch.setattr("mobilization.services.notices.today", lambda: REPORT)
    page = client.get(reverse("dashboard")).content.decode()
    href, value = figure(page, "待登錄報到")
    assert value == "4" and client.get(href).content.decode().count('data-notice="') == 4


def test_the_approvers_home_lists_the_orders_to_decide(users, dashboard_live):
    from mobilization.models import CallUpOrder

    waiting = CallUpOrder.objects.create(
        mobilization_type="educational", title="甲令待核", report_date=REPORT, days=5, quota=3, status="submitted"
    )
    CallUpOrder.objects.create(mobilization_type="educational", title="乙令未送", report_date=REPORT, days=5, quota=3)
    client = logged_in(users.approver)
    href, value = figure(client.get(reverse("dashboard")).content.decode(), "待核定的召集令")
    assert value == "1"
    listed = client.get(href).content.decode()
    assert "甲令待核" in listed and "乙令未送" not in listed and str(waiting.pk) in listed


def test_postponements_waiting_link_to_the_requested_ones(users, dashboard_live):
    order = make_order()
    first, second = add_notices(order, "220", 2)
    Postponement.objects.create(
        notice=first, kind="illness", days=2, reason="病", original_report_date=REPORT, new_report_date=REPORT
    )
    Postponement.objects.create(
        notice=second,
        kind="illness",
        days=1,
        reason="已核",
        original_report_date=REPORT,
        new_report_date=REPORT,
        status="approved",
    )
    client = logged_in(users.township)
    href, value = figure(client.get(reverse("dashboard")).content.decode(), "待決定的延期申請")
    assert value == "1" and "status=requested" in href
    listed = client.get(href).content.decode()
    assert "病" in listed and "已核" not in listed


def test_attendance_is_refused_months_before_report_day_and_its_form_is_not_offered(users, monkeypatch):
    order = make_order()
    (notice,) = add_notices(order, "220", 1, status="delivered")
    monkeypatch.setattr("mobilization.services.notices.today", lambda: REPORT - datetime.timedelta(days=90))
    client = logged_in(users.township)
    url = reverse("mobilization:notice-detail", args=[notice.pk])
    page = client.get(url).content.decode()
    assert 'id="attendance-form"' not in page
    assert 'data-code="attendance.before_report_day"' in page and "民國116年3月15日" in page
    posted = client.post(
        reverse("mobilization:notice-action", args=[notice.pk, "attendance"]), {"attendance-attended": "present"}
    )
    assert posted.status_code == 409
    body = posted.content.decode()
    assert 'id="refusal-banner"' in body and "民國116年3月15日" in body
    notice.refresh_from_db()
    assert notice.attendance is None
    monkeypatch.setattr("mobilization.services.notices.today", lambda: REPORT)
    assert 'id="attendance-form"' in client.get(url).content.decode()


def test_the_notice_page_offers_only_what_its_state_allows_and_nothing_is_preselected(users):
    order = make_order()
    (sent,) = add_notices(order, "220", 1, status="sent")
    (acknowledged,) = add_notices(order, "220", 1, status="acknowledged")
    (withdrawn,) = add_notices(order, "220", 1, status="withdrawn")
    client = logged_in(users.township)
    page = client.get(reverse("mobilization:notice-detail", args=[sent.pk])).content.decode()
    assert 'id="deliver-form"' in page
    deliver = page[page.index('id="deliver-form"') : page.index("</form>", page.index('id="deliver-form"'))]
    assert "checked" not in deliver  # 送達 is not preselected
    page = client.get(reverse("mobilization:notice-detail", args=[acknowledged.pk])).content.decode()
    assert 'id="deliver-form"' not in page and 'id="acknowledge-form"' not in page
    page = client.get(reverse("mobilization:notice-detail", args=[withdrawn.pk])).content.decode()
    assert 'id="attendance-form"' not in page and 'id="deliver-form"' not in page


def test_a_long_postponement_is_refused_in_a_banner_at_the_top_and_beside_the_days(users):
    order = make_order()
    (notice,) = add_notices(order, "220", 1)
    client = logged_in(users.township)
    page = client.get(reverse("mobilization:notice-detail", args=[notice.pk])).content.decode()
    assert 'name="postpone-days"' in page and 'max="3"' in page
    response = client.post(
        reverse("mobilization:notice-action", args=[notice.pk, "postpone"]),
        {"postpone-days": "5", "postpone-kind": "illness", "postpone-reason": "住院"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    banner_at = body.index('id="refusal-banner"')
    assert banner_at < body.index('id="notice-meta"')  # above everything else on the page
    assert "第31條" in body[banner_at : body.index("</div>", banner_at)]
    days = body[body.index('for="id_postpone-days"') : body.index('for="id_postpone-kind"')]
    assert "第31條" in days and 'class="error"' in days
    assert not Postponement.objects.exists()


def test_an_attendance_file_before_report_day_records_nothing_and_says_why(users, monkeypatch, attendance_upload):
    from core.choices import JobStatus

    order = make_order()
    a, b = add_notices(order, "220", 2)
    monkeypatch.setattr("mobilization.services.notices.today", lambda: REPORT - datetime.timedelta(days=90))
    content = f"notice_number,attended\n{a.number},是\n{b.number},否\n".encode()
    job = attendance_upload(logged_in(users.township), order, content).context["job"]
    assert job.status == JobStatus.FAILED
    assert [e["row"] for e in job.result["errors"]] == [2, 3]
    assert "民國116年3月15日" in job.result["errors"][0]["message"]
    a.refresh_from_db()
    assert a.attendance is None
