"""Materiel mobilization end to end: a county imports its capacity survey with one bad row, fixes it and submits;
MND staff match a requirement and draft a requisition; an approver approves it; staff issue the notices; a
handover and a return are recorded; the notice verifies on the public page. Then the drill names the order as a
participant and its evaluation records the handover times, which the dashboard's last-drill figure reads."""

import datetime

import pytest

from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = "類別,登記號碼,所有人身分證號,所有人姓名,鄉鎮市區郵遞區號,緯度,經度,能量"


def survey_file(rows):
    lines = [HEADER] + [",".join(row) for row in rows]
    return {"name": "survey.csv", "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}


def test_survey_requirement_requisition_handover_and_return(page, live_server, users, tmp_path):
    from core.models import Region
    from materiel import services
    from materiel.models import RequisitionNotice
    from materiel.tests.factories import make_requirement

    year = datetime.date.today().year
    services.open_cycle(
        user=users.staff, year=year, opens_on=datetime.date(year, 1, 1), closes_on=datetime.date(year, 12, 31)
    )

    # 1. The county imports its inventory: one bad row, nothing written; fixed, all written; then submits.
    login(page, live_server, "t_county_a")
    page.goto(f"{live_server.url}/materiel/surveys/")
    page.click("#survey-table a:has-text('新北市')")
    good = ["貨車", "KLA-1001", "A123456789", "王小明", "220", "25.0100", "121.4600", "payload_t=12"]
    near = ["貨車", "KLA-1002", "A123456789", "王小明", "220", "25.0050", "121.4610", "payload_t=8"]
    bad = ["貨車", "KLA-1003", "A123456789", "王小明", "220", "25.0200", "121.4700", "payload_t=很重"]
    page.set_input_files("#id_file", survey_file([good, near, bad]))
    page.click("#import-form button[type=submit]")
    errors = page.locator("#import-errors")
    errors.wait_for()
    assert "4" in errors.inner_text() and "能量" in errors.inner_text()
    assert page.locator("#import-job").get_attribute("data-status") == "failed"
    bad[-1] = "payload_t=15"
    page.set_input_files("#id_file", survey_file([good, near, bad]))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-job[data-status=succeeded]")
    assert "3" in page.locator("#changes").inner_text()
    page.click("#survey-steps button[data-step=submit]")
    assert page.locator("#survey-status").get_attribute("data-status") == "submitted"
    page.goto(f"{live_server.url}/materiel/")
    assert page.locator("#resource-table tbody tr").count() == 3
    assert "A12****789" in page.locator("#resource-table").inner_text()

    # 2. MND staff match a requirement near the handover point, confirm and draft the order.
    requirement = make_requirement(
        Region.objects.get(code="TW-NWT"), quantity=2, lat="25.00500", lng="121.46100", user=users.staff
    )
    page.context.clear_cookies()
    login(page, live_server, "t_staff")
    page.goto(f"{live_server.url}/materiel/requirements/{requirement.pk}/")
    page.click("button[data-step=match]")
    rows = page.locator("#allocation-table tbody tr")
    assert rows.count() == 2
    assert "KLA-1002" in rows.nth(0).inner_text()  # nearest first
    page.click("button[data-step=confirm]")
    page.fill("#draft-requisition #id_title", "漢光演習車輛徵用")
    page.click("#draft-requisition button[type=submit]")
    page.click("#requisition-steps button[data-step=submit]")
    assert page.locator("#requisition-status").get_attribute("data-status") == "submitted"
    assert page.locator("#requisition-steps button[data-step=approve]").count() == 0
    order_url = page.url

    # 3. Another person approves.
    page.context.clear_cookies()
    login(page, live_server, "t_approver")
    page.goto(order_url)
    page.fill("#requisition-steps input[name=note]", "同意")
    page.click("#requisition-steps button[data-step=approve]")
    assert page.locator("#requisition-status").get_attribute("data-status") == "approved"

    # 4. Staff issue the notices, record a handover and a return.
    page.context.clear_cookies()
    login(page, live_server, "t_staff")
    page.goto(order_url)
    page.click("#requisition-steps button[data-step=issue]")
    assert page.locator("#requisition-status").get_attribute("data-status") == "issued"
    assert page.locator("#notice-table tbody tr").count() == 2
    page.click("#notice-table tbody tr:first-child a")
    page.select_option("#id_handover-condition", "good")
    page.click("#handover button[type=submit]")
    assert page.locator("#notice-status").get_attribute("data-status") == "handed_over"
    page.select_option("#id_return-condition", "fair")
    page.fill("#id_return-compensation_amount", "8000")
    page.fill("#id_return-damage_claim", "輪胎磨損")
    page.click("#return button[type=submit]")
    assert page.locator("#notice-status").get_attribute("data-status") == "returned"

    notice = RequisitionNotice.objects.get(status="returned")
    assert notice.compensation_amount == 8000
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/verify/requisition/{notice.verification_code}/")
    assert "真實" in page.locator("#verify-result").inner_text()
    assert "A123456789" not in page.content()

    # 5. The drill names the order; its evaluation records the handover times; the dashboard shows the rate.
    from exercises.choices import ExerciseStatus
    from exercises.tests.factories import make_exercise

    drill = make_exercise("TW-NWT", status=ExerciseStatus.IN_PROGRESS, name="漢光演習 新北市")
    login(page, live_server, "t_county_a")
    page.goto(f"{live_server.url}/exercises/{drill.pk}/participants/new/")
    page.select_option("#id_kind", "requisition")
    page.select_option(
        "#id_requisition", label=page.locator("#id_requisition option", has_text="漢光演習車輛徵用").inner_text()
    )
    page.select_option("#id_role", "support")
    page.click("form.card button.primary")
    page.wait_for_selector("#handovers")
    page.click("#handovers button.record-handovers")
    rows = page.locator("#handovers .handover-table tbody tr")
    assert rows.count() == 2
    summary = page.locator("#handovers .handover-summary").inner_text()
    assert "已交接 1 項" in summary and "應交接 2 項" in summary
    assert "未交接" in page.locator("#handovers").inner_text()
    page.screenshot(path=str(tmp_path / "drill-handovers.png"), full_page=True)
    page.goto(f"{live_server.url}/")
    assert "50% (1/2)" in page.content()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
