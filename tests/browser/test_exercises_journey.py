"""A county official plans an exercise with two objectives, rates them, raises a corrective action, closes
it with evidence, closes the exercise and downloads the after-action report PDF."""

import pytest

from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_rate_act_close_and_report(page, live_server, users):
    from core.choices import OrganisationKind
    from core.testing import organisation

    organisation("gov-tw-nwt", OrganisationKind.COUNTY_GOVERNMENT, region="TW-NWT", name="新北市政府")
    login(page, live_server, "t_county_a")
    page.goto(f"{live_server.url}/exercises/")
    page.click("#plan-exercise")
    page.select_option("#id_exercise_type", "urban_resilience")
    page.fill("#id_name", "新北市城鎮韌性演習")
    page.fill("#id_start_date", "2026-04-16")
    page.fill("#id_end_date", "2026-04-17")
    page.fill("#id_scenario", "空襲警報後開設救濟站")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#objective-table")
    assert "新北市城鎮韌性演習" in page.locator("h1").inner_text()

    for subject, text in [("警報發放", "15 分鐘內完成警報發放"), ("救濟站開設", "90 分鐘內開設救濟站")]:
        page.click("#add-objective")
        page.select_option("#id_subject", label=subject)
        page.fill("#id_description", text)
        page.click("button[type=submit].primary")
        page.wait_for_selector("#objective-table")
    assert page.locator("#objective-table tbody tr").count() == 2

    for _ in range(2):  # planning -> ready -> in progress
        page.click("#advance")
        page.wait_for_load_state()
    assert page.locator("#exercise-status").inner_text() == "進行中"

    page.locator("a.rate").nth(0).click()
    page.check("input[name=rating][value=P]")
    page.fill("#id_ordered_at", "2026-04-16T09:00")
    page.fill("#id_opened_at", "2026-04-16T09:12")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#objective-table")
    page.locator("a.rate").nth(1).click()
    page.check("input[name=rating][value=M]")
    page.fill("#id_ordered_at", "2026-04-16T10:00")
    page.fill("#id_opened_at", "2026-04-16T12:15")
    page.fill("#id_areas_for_improvement", "物資清冊未即時更新")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#objective-table")
    assert "開設耗時 135 分鐘" in page.locator("#objective-table").inner_text()

    page.click("a.raise-action")
    assert page.locator("#id_description").input_value() == "物資清冊未即時更新"
    page.select_option("#id_owner", label="新北市政府")
    page.fill("#id_due_date", "2026-06-30")
    page.click("button[type=submit].primary")
    page.wait_for_selector("#action-table")
    assert "新北市政府" in page.locator("#action-table").inner_text()

    page.click("#advance")  # -> evaluating
    page.wait_for_load_state()
    page.click("#advance")  # -> closed: every action has an owner
    page.wait_for_load_state()
    assert page.locator("#exercise-status").inner_text() == "已結案"

    page.locator("#action-table a").first.click()
    page.fill("#id_evidence", "府授消字第 1150000001 號：清冊更新完成")
    page.click("#complete-action")
    page.wait_for_selector("#evidence")
    assert "已完成" in page.locator("h1").inner_text()

    page.click("text=新北市城鎮韌性演習")
    page.click("#make-report")
    page.wait_for_selector("a.report-download")
    with page.expect_download() as info:
        page.click("a.report-download")
    path = info.value.path()
    with open(path, "rb") as fh:
        assert fh.read(4) == b"%PDF"
