"""Issue 18 in the browser, in zh-TW: a drafter's 30-day Educational order is refused citing 第27條 at the top of
the page and beside the field; the selection's candidates appear on the order page without a reload; the
approver's home lists the order to decide, whose approval page shows the drafter's comment and the shortfall;
the township clerk's home counts the notices to deliver and its link lists exactly them."""

import datetime
import os

import pytest

from core.models import Region
from mobilization.models import CallUpOrder
from mobilization.tests.helpers import make_reservist
from mobilization.tests.test_notice_pages import add_notices
from mobilization.tests.test_notice_pages import make_order as issued_order
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("WORKLIST_SCREENSHOTS")  # a folder to keep the screenshots in (else the test's tmp_path)


def shot(page, folder, name):
    page.screenshot(path=str(folder / f"{name}.png"), full_page=False)


@pytest.fixture
def deferred_selection(monkeypatch):
    """The selection job queued but not run until the test says so (as a real worker would pick it up later),
    so the order page is seen while it runs and then gets the result without a reload."""
    queued = []
    monkeypatch.setattr(
        "mobilization.services.selection.enqueue", lambda job, task, *args: queued.append((job, task, args))
    )
    return queued


@pytest.mark.usefixtures("orders_dated_2024")
def test_worklists_journey(page, live_server, users, settings, deferred_selection, tmp_path):
    import pathlib

    folder = pathlib.Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    settings.PORTAL_DASHBOARD_CACHE_SECONDS = 0
    for day in range(1, 4):
        make_reservist(retired=datetime.date(2019, 1, day))
    banqiao = Region.objects.get(code="220")

    # --- the drafter: 30 Educational days are refused under Art. 27, at the top and beside the field ---------
    login(page, live_server, "t_staff")
    page.goto(f"{live_server.url}/mobilization/orders/new/")
    page.select_option("#id_mobilization_type", "educational")
    page.fill("#id_title", "113年教育召集（板橋）")
    page.fill("#id_report_date", "2024-06-03")
    page.fill("#id_days", "30")
    page.fill("#id_quota", "40")
    page.select_option("#id_target_regions", str(banqiao.pk))
    page.click("#order-form button[type=submit]")
    banner = page.locator("#order-refusals")
    banner.wait_for()
    assert "第27條" in banner.inner_text() and "20" in banner.inner_text()
    box = banner.bounding_box()
    assert box is not None and box["y"] < 900  # seen without scrolling
    assert "第27條" in page.locator("#id_days").locator("xpath=..").inner_text()
    shot(page, folder, "1-order-refused-art27")
    assert not CallUpOrder.objects.exists()

    page.fill("#id_days", "14")
    page.click("#order-form button[type=submit]")
    page.wait_for_selector("#order-status[data-status=draft]")
    order = CallUpOrder.objects.get()

    # --- selection: progress, then the candidates, without a reload ---------------------------------------------
    page.click("#do-select")
    page.wait_for_selector("#selection-job")
    page.evaluate("window.__sameDocument = true")
    assert "請先執行遴選" not in page.locator("#candidates").inner_text()
    (job, task, args) = deferred_selection[0]
    task(job.pk, *args)  # the worker picks it up now
    page.wait_for_selector("#candidate-table tr[data-decision=eligible]", timeout=20000)
    assert page.evaluate("window.__sameDocument === true")  # the same document: no reload happened
    assert page.locator("#order-status").get_attribute("data-status") == "selected"
    job_box = page.locator("#selection-job").inner_text()
    assert "succeeded" not in job_box and "100" in job_box
    assert page.locator("#candidate-table tr[data-decision=eligible]").count() == 3
    assert page.locator("#shortfall").inner_text() == "37"
    shot(page, folder, "2-selection-result-without-reload")

    # The job's own page names what it worked on, in words, with its state translated and a link back.
    page.click(f"#selection-job a[href='/jobs/{job.pk}/']")
    heading = page.locator("h1").inner_text()
    assert "候選人遴選" in heading and "113年教育召集（板橋）" in heading
    body = page.locator("main").inner_text()
    assert "mobilization.selection" not in body and "succeeded" not in body and "已完成" in body
    shot(page, folder, "2b-job-page-in-words")
    page.click("#job-subject")
    page.wait_for_selector("#candidate-table tr[data-decision=eligible]")

    page.fill("#id_comment", "請核示：板橋可召集人數不足")
    page.click("#do-submit")
    page.wait_for_selector("#order-status[data-status=submitted]")

    # --- the approver: home page worklist → the order → comment and shortfall -------------------------------------
    page.context.clear_cookies()
    login(page, live_server, "t_approver")
    to_decide = page.locator(".figure", has_text="待核定的召集令")
    assert to_decide.locator("dd").inner_text() == "1"
    shot(page, folder, "3-approver-home")
    to_decide.locator("a").click()
    page.wait_for_selector("#order-table")
    assert page.locator("#order-table tbody tr").count() == 1
    page.click(f"#order-table a[href='/mobilization/orders/{order.pk}/']")
    page.click("a[href$='/approval/']")
    page.wait_for_selector("#submission-comment")
    assert "請核示：板橋可召集人數不足" in page.locator("#submission-comment").inner_text()
    assert "3 / 40" in page.locator("#available-of-quota").inner_text()
    assert "不足 37 人" in page.locator("#shortfall-banner").inner_text()
    assert page.locator("#reject-form").count() == 1 and page.locator("#reject-form textarea[name=reason]").count() == 1
    shot(page, folder, "4-approval-comment-shortfall")

    # --- the township clerk: notices to deliver, counted and listed -----------------------------------------------
    issued = issued_order(title="116年教育召集")
    mine = add_notices(issued, "220", 2, status="sent")
    add_notices(issued, "100", 2, status="sent")  # Taipei's: not the clerk's
    page.context.clear_cookies()
    login(page, live_server, "t_township")
    deliver = page.locator(".figure", has_text="待送達的召集令")
    assert deliver.locator("dd").inner_text() == "2"
    shot(page, folder, "5-township-home")
    deliver.locator("a").click()
    page.wait_for_selector("#worklist-table")
    rows = page.locator("#worklist-table tbody tr[data-notice]")
    assert rows.count() == 2
    assert {int(rows.nth(i).get_attribute("data-notice")) for i in range(2)} == {n.pk for n in mine}
    shot(page, folder, "6-township-notices-to-deliver")
    page.click(f"#worklist-table a[href='/mobilization/notices/{mine[0].pk}/']")
    page.wait_for_selector("#deliver-form")
    assert page.locator("#deliver-form input[type=radio]:checked").count() == 0  # 送達 not preselected
    assert page.locator("#attendance-form").count() == 0  # report day (2027) has not come
    shot(page, folder, "7-notice-forms-by-state")
