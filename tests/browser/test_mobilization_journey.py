"""An MND staffer drafts a call-up order, runs selection, reviews and submits it; an approver approves it."""

import datetime

import pytest

from core.models import Region
from mobilization.models import CallUpOrder
from mobilization.tests.helpers import grant, make_reservist
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("orders_dated_2024")
def test_order_from_draft_to_approved(page, live_server, users):
    for day in range(1, 4):
        make_reservist(retired=datetime.date(2019, 1, day))
    judge = make_reservist(retired=datetime.date(2019, 2, 1))
    grant(judge, "art29.3", datetime.date(2019, 1, 1))
    make_reservist(retired=datetime.date(2010, 1, 1))  # outside the 8-year window

    login(page, live_server, "t_staff")
    page.goto(f"{live_server.url}/mobilization/orders/")
    page.click("#new-order")
    page.select_option("#id_mobilization_type", "educational")
    page.fill("#id_title", "113年第1梯次教育召集（板橋）")
    page.fill("#id_legal_basis", "後備軍人召集條例第2條")
    page.fill("#id_report_date", "2024-03-15")
    page.fill("#id_days", "14")
    page.fill("#id_quota", "3")
    page.select_option("#id_target_regions", str(Region.objects.get(code="220").pk))
    page.click("#order-form button[type=submit]")
    page.wait_for_selector("#order-status")
    assert page.locator("#order-status").get_attribute("data-status") == "draft"
    order = CallUpOrder.objects.get(title="113年第1梯次教育召集（板橋）")

    page.fill("#id_comment", "開始遴選")
    page.click("#do-select")
    page.wait_for_selector("#selection-summary")
    assert page.locator("#order-status").get_attribute("data-status") == "selected"
    assert page.locator("#count-eligible").inner_text() == "3"
    assert page.locator("#count-successive").inner_text() == "1"
    assert page.locator("#count-ineligible").inner_text() == "1"
    # Each decision is explained with its article.
    ineligible_row = page.locator("#candidate-table tr[data-decision=ineligible]")
    assert "第27條" in ineligible_row.inner_text()
    page.select_option("#decision-filter", "successive")
    page.click("#candidates form.filters button[type=submit]")
    page.wait_for_url("**decision=successive**")
    assert page.locator("#candidate-table tbody tr").count() == 1
    assert "第29條" in page.locator("#candidate-table tbody").inner_text()

    page.fill("#id_comment", "請核定")
    page.click("#do-submit")
    page.wait_for_selector("#order-status[data-status=submitted]")
    order.refresh_from_db()
    assert order.status == "submitted" and order.submitted_by == users.staff

    page.context.clear_cookies()
    login(page, live_server, "t_approver")
    page.goto(f"{live_server.url}/mobilization/orders/{order.pk}/approval/")
    page.fill("#id_comment", "同意")
    page.click("#do-approve")
    page.wait_for_selector("#order-status[data-status=approved]")
    order.refresh_from_db()
    assert order.status == "approved" and order.decided_by == users.approver
    assert order.decision_comment == "同意"
