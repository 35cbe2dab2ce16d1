"""A township clerk opens an order's notices, records a delivery and a report-day attendance, and asks for a
4-day postponement, which the page refuses citing Art. 31."""

import pytest

from mobilization.models import Notice, Postponement
from mobilization.tests.test_notice_pages import add_notices, make_order
from reservists.models import ServiceRecord
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("report_day_reached")
def test_township_clerk_delivers_records_attendance_and_is_refused_a_long_postponement(page, live_server, users):
    order = make_order()
    first, second, third = add_notices(order, "220", 3)
    add_notices(order, "100", 2)  # another county's township: not the clerk's

    login(page, live_server, "t_township")
    page.goto(f"{live_server.url}/mobilization/orders/{order.pk}/")
    page.click("#link-notices")
    page.wait_for_selector("#notice-table")
    assert page.locator("#notice-table tbody tr").count() == 3
    assert "王*明" in page.locator("#notice-table").inner_text()

    # Delivered by hand: tick the first notice and record it.
    page.check(f"#pick-{first.pk}")
    page.fill("#bulk-note", "親送本人")
    page.click("#deliver-selected")
    page.wait_for_selector(f"#notice-table tr[data-notice='{first.pk}'][data-status=delivered]")
    assert "1" in page.locator(".messages li.success").inner_text()

    # Report day on the second notice's page.
    page.click(f"#notice-table tr[data-notice='{second.pk}'] a")
    page.wait_for_selector("#attendance-form")
    page.check("#id_attendance-attended_0")  # 已報到
    page.click("#attendance-submit")
    page.wait_for_selector("#notice-attendance[data-attendance=present]")
    assert ServiceRecord.objects.filter(reference=second.number).count() == 1

    # Four days is more than Art. 31 allows: the form says so and nothing is recorded.
    page.goto(f"{live_server.url}/mobilization/notices/{third.pk}/")
    page.fill("#id_postpone-days", "4")
    page.select_option("#id_postpone-kind", "illness")
    page.fill("#id_postpone-reason", "住院開刀")
    # The field itself stops it in the browser (max 3) …
    assert page.eval_on_selector("#id_postpone-days", "e => e.max") == "3"
    page.click("#postpone-submit")
    assert page.eval_on_selector("#id_postpone-days", "e => e.validity.rangeOverflow")
    assert not Postponement.objects.exists()
    # … and a request that gets past the browser (another client) is refused by the server under Art. 31,
    # in a banner at the top of the page and beside the field.
    page.eval_on_selector("#id_postpone-days", "e => e.removeAttribute('max')")
    page.click("#postpone-submit")
    refusal = page.locator("#postpone-refusal")
    refusal.wait_for()
    assert "第31條" in refusal.inner_text()
    banner = page.locator("#refusal-banner")
    assert "第31條" in banner.inner_text()
    box = banner.bounding_box()
    assert box is not None and box["y"] + box["height"] < 900
    days_field = page.locator("#id_postpone-days").locator("xpath=..")
    assert "第31條" in days_field.inner_text()
    assert page.locator("#id_postpone-reason").input_value() == "住院開刀"
    assert not Postponement.objects.exists()
    assert Notice.objects.get(pk=first.pk).status == "delivered"
