"""Pages of the end of the call-up: the panels on the order and notice pages, the worklists, one case, CSV."""

import datetime

import pytest
from django.urls import reverse

from core.testing import COUNTY_A, ScopedViewContract, logged_in
from mobilization.models import Exemption, NoShowCase, Notice, OrderChange
from mobilization.services import closing

from .lifecycle_world import issued_order

pytestmark = pytest.mark.django_db


def test_township_clerk_requests_an_exemption_on_the_notice_page_and_staff_approves_it(users):
    world = issued_order(users)
    notice = world.notice("b1")
    clerk = logged_in(users.township)
    page = clerk.get(reverse("mobilization:notice-detail", args=[notice.pk]))
    assert page.status_code == 200 and b'id="exempt-form"' in page.content and b'id="release-form"' not in page.content
    response = clerk.post(
        reverse("mobilization:notice-step", args=[notice.pk, "exempt"]),
        {"ground": "illness", "note": "住院", "replace": "on"},
    )
    assert response.status_code == 302
    exemption = Exemption.objects.get()
    assert exemption.status == "requested"
    listed = clerk.get(reverse("mobilization:exemption-list") + "?status=requested")
    assert notice.number in listed.content.decode()
    staff = logged_in(users.staff)
    response = staff.post(reverse("mobilization:exemption-decide", args=[exemption.pk, "approve"]), {"comment": "准"})
    assert response.status_code == 302
    page = clerk.get(reverse("mobilization:notice-detail", args=[notice.pk])).content.decode()
    replacement = Notice.objects.get(replaces=notice)
    assert 'id="replacement-link"' in page and replacement.number in page


def test_order_page_shows_yield_and_lets_an_approver_decide_a_recall(users, django_capture_on_commit_callbacks):
    world = issued_order(users)
    staff = logged_in(users.staff)
    url = reverse("mobilization:order-detail", args=[world.order.pk])
    page = staff.get(url).content.decode()
    assert 'id="yield-table"' in page and 'id="recall-form"' in page and 'id="area-form"' in page
    response = staff.post(
        reverse("mobilization:order-step", args=[world.order.pk, "recall"]), {"townships": ["221"], "reason": "誤發"}
    )
    assert response.status_code == 302
    change = OrderChange.objects.get()
    # the proposer sees no approve button; the approver does
    assert f'id="approve-change-{change.pk}"' not in staff.get(url).content.decode()
    approver = logged_in(users.approver)
    assert f'id="approve-change-{change.pk}"' in approver.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        approver.post(reverse("mobilization:change-decide", args=[change.pk, "approve"]), {"comment": "准"})
    assert Notice.objects.get(pk=world.notice("x1").pk).status == "withdrawn"
    page = approver.get(url).content.decode()
    assert 'data-withdrawn="1"' in page and 'class="letters" data-township="221"' in page
    letters = approver.get(reverse("mobilization:change-letters", args=[change.pk, "221"]))
    assert letters.status_code == 200 and letters.content.startswith(b"%PDF")
    assert logged_in(users.county_b).get(
        reverse("mobilization:change-letters", args=[change.pk, "221"])
    ).status_code in (
        403,
        404,
    )


def test_close_shows_why_it_is_refused_and_cases_have_a_worklist_csv_and_steps(users):
    world = issued_order(users, report_date=datetime.date(2026, 9, 1))
    staff = logged_in(users.staff)
    url = reverse("mobilization:order-detail", args=[world.order.pk])
    page = staff.get(url).content.decode()
    assert 'id="close-refusals"' in page and "?attendance=none" in page
    Notice.objects.filter(order=world.order).update(attendance="present")
    Notice.objects.filter(pk=world.notice("b2").pk).update(attendance="absent")
    response = staff.post(reverse("mobilization:order-step", args=[world.order.pk, "close"]), {"note": ""})
    assert response.status_code == 302
    world.order.refresh_from_db()
    assert world.order.status == "closed"
    case = NoShowCase.objects.get()
    clerk = logged_in(users.township)
    listed = clerk.get(reverse("mobilization:case-list")).content.decode()
    assert world.notice("b2").number in listed
    assert (
        world.notice("b2").number
        not in logged_in(users.county_b).get(reverse("mobilization:case-list")).content.decode()
    )
    csv = clerk.get(reverse("mobilization:case-csv"))
    body = b"".join(csv.streaming_content).decode()
    assert world.notice("b2").number in body and world.people["b2"].name not in body  # names masked
    detail = reverse("mobilization:case-detail", args=[case.pk])
    response = clerk.post(detail, {"step": "unreachable", "note": "公示送達"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "public_notice" and b'id="step-form"' not in clerk.get(detail).content


def case_in(county) -> NoShowCase:
    """A closed order's no-show case in a township of `county`."""
    from mobilization.models import CallUpOrder

    from .helpers import make_reservist

    township = county.children.order_by("code").first()
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="t",
        report_date=datetime.date(2026, 9, 1),
        days=1,
        quota=1,
        status="closed",
    )
    person = make_reservist(township_code=township.code)
    n = next(_serial)
    notice = Notice.objects.create(
        order=order,
        reservist=person,
        township=township,
        sequence=1,
        number=f"N{n}",
        report_date=order.report_date,
        report_time=datetime.time(8),
        assembly_point="x",
        verification_code=f"C{n}",
        attendance="absent",
    )
    return NoShowCase.objects.create(notice=notice, order=order, township=township, due_date=datetime.date(2027, 1, 1))


_serial = __import__("itertools").count(1)


class TestCaseDetailContract(ScopedViewContract):
    allowed = "county_a"

    def make_object(self, county):
        return case_in(county)

    def url(self, obj):
        return reverse("mobilization:case-detail", args=[obj.pk])


def test_closing_helper_computes_service_end(users):
    world = issued_order(users)
    assert closing.service_end(world.order) == world.order.report_date + datetime.timedelta(days=4)
    assert COUNTY_A


def test_measured_yield_of_closed_orders_feeds_the_next_orders_preview(users, monkeypatch):
    from mobilization.services import compute_summary, forecast

    monkeypatch.setattr(forecast, "MIN_CALLED", 1)
    first = issued_order(users, report_date=datetime.date(2026, 9, 1))
    Notice.objects.filter(order=first.order).update(attendance="present")
    Notice.objects.filter(pk=first.notice("b3").pk).update(attendance="absent")  # 3 of 4 report
    closing.CloseOrder().execute(users.staff, first.order)
    staff = logged_in(users.staff)
    assert b'id="yield-rates"' in staff.get(reverse("mobilization:order-create")).content
    second = issued_order(users, quota=2, title="第二梯次")
    summary = compute_summary(second.order)
    result = forecast.forecast(second.order, summary)
    assert result["rate"] == 0.75 and result["suggested_call"] == 3  # ceil(2 / 0.75)
    banqiao = next(r for r in result["by_township"] if r["measured"] and r["rate"] == 2 / 3)
    assert banqiao["township_id"] == Notice.objects.filter(order=first.order, township__code="220").first().township_id
    page = staff.get(reverse("mobilization:order-detail", args=[second.order.pk])).content.decode()
    assert 'id="forecast-summary"' in page and "75%" in page
