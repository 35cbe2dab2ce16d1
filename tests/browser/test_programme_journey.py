"""The annual programme in the browser: MND staff draft the 2027 programme with a line and submit it, an approver
approves it with the Executive Yuan's reference, an order drawing on the line is saved and one over it is refused
citing Art. 27; a rotation leave that breaks Art. 32 is refused on the leave roster."""

import pytest

from core.models import Region
from core.testing import api_client
from mobilization.choices import Attendance
from mobilization.models import AnnualProgramme, CallUpOrder, Notice
from mobilization.tests.notice_world import approved_order
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_programme_drawn_on_by_orders_and_leave_refused(page, live_server, users):
    login(page, live_server, "t_staff")
    page.goto(f"{live_server.url}/")
    page.hover('nav button:has-text("召集")')
    page.click('nav a:has-text("年度計畫")')
    page.fill("#id_year", "2027")
    page.click("#new-programme")
    page.wait_for_selector("#programme-status[data-status=draft]")
    page.fill("#id_key", "E-03")
    page.select_option("#id_mobilization_type", "educational")
    page.fill("#id_period", "2027-03")
    page.select_option("#id_target_regions", str(Region.objects.get(code="TW-NWT").pk))
    page.fill("#id_number", "30")
    page.fill("#id_days", "7")
    page.click("#add-line")
    page.wait_for_selector("#line-table tr[data-line=E-03]")
    page.fill("#id_comment", "請核定")
    page.click("#do-submit")
    page.wait_for_selector("#programme-status[data-status=submitted]")
    assert page.locator("#do-approve").count() == 0  # the drafter is never offered the approval

    page.context.clear_cookies()
    login(page, live_server, "t_approver")
    programme = AnnualProgramme.objects.get(year=2027)
    page.goto(f"{live_server.url}/mobilization/programmes/{programme.pk}/")
    page.fill("#id_approval_reference", "院臺防字第1150000001號")
    page.fill("#id_approved_on", "2026-12-20")
    page.click("#do-approve")
    page.wait_for_selector("#programme-status[data-status=approved]")
    assert "院臺防字第1150000001號" in page.locator("#approval-reference").inner_text()

    page.context.clear_cookies()
    login(page, live_server, "t_staff")

    def draft(title, quota):
        page.goto(f"{live_server.url}/mobilization/orders/new/")
        page.select_option("#id_mobilization_type", "educational")
        page.fill("#id_title", title)
        page.fill("#id_report_date", "2027-03-15")
        page.fill("#id_days", "5")
        page.fill("#id_quota", str(quota))
        page.select_option("#id_target_regions", str(Region.objects.get(code="220").pk))
        page.select_option("#id_programme_line", str(programme.lines.get().pk))
        page.click("#order-form button[type=submit]")

    draft("116年3月教育召集（板橋）", 25)
    page.wait_for_selector("#order-status[data-status=draft]")
    assert "E-03" in page.locator("#order-programme-line").inner_text()
    draft("116年3月教育召集（板橋第二梯）", 10)
    error = page.locator(".field.has-error .error").first
    assert "第27條" in error.inner_text() and "尚餘 5 人" in error.inner_text()
    assert CallUpOrder.objects.filter(title__contains="第二梯").count() == 0

    # Art. 32: an issued Temporary order, everyone reported; a first leave on day 3 is refused.
    world = approved_order(users, mobilization_type="temporary", days=60)
    issued = api_client(users.staff).post(f"/api/mobilization/orders/{world.order.pk}/issue/", {}, format="json")
    assert issued.status_code == 202
    Notice.objects.filter(order=world.order).update(attendance=Attendance.PRESENT)
    notice = Notice.objects.filter(order=world.order).order_by("sequence").first()
    page.goto(f"{live_server.url}/mobilization/orders/{world.order.pk}/")
    page.click("#leave-roster-link")
    page.fill("#id_notice", notice.number)
    page.fill("#id_start", "2027-03-17")
    page.fill("#id_end", "2027-03-18")
    page.click("#record-leave")
    refusal = page.locator("#leave-refusals")
    refusal.wait_for()
    assert "第32條" in refusal.inner_text()
    assert refusal.locator("li[data-code='art32.min_days_served']").count() == 1
    assert refusal.bounding_box()["y"] < 900  # the refusal is seen without scrolling
