"""An agency drafts and submits the protection plan of a level-1 asset; an MND approver approves it.
Along the way: the asset page's cascade, the risk matrix click-through and the county map."""

import pytest

from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_level1_plan_journey(page, live_server, users):
    from cip.services import record_assessment
    from cip.tests.factories import depend, make_asset

    substation = make_asset("TW-NWT", name="板橋一次變電所", level=1)
    hospital = make_asset("TW-NWT", name="亞東紀念醫院", level=2)
    depend(hospital, substation, "power")
    record_assessment(user=users.staff, asset=substation, scenario="military_strike", likelihood=4, impact=5)

    login(page, live_server, "t_agency")
    page.goto(f"{live_server.url}/cip/assets/{substation.pk}/")
    assert "亞東紀念醫院" in page.locator("#cascade").inner_text()
    page.goto(f"{live_server.url}/cip/risk-matrix/")
    page.click('#risk-matrix td[data-likelihood="4"][data-impact="5"] a')
    assert page.locator("#asset-table tbody tr").count() == 1
    page.goto(f"{live_server.url}/cip/map/")
    assert page.locator('#county-map g[data-code="TW-NWT"]').get_attribute("data-value") == "2"

    page.goto(f"{live_server.url}/cip/assets/{substation.pk}/plans/new/")
    page.fill("#id_title", "變電所防護計畫")
    page.fill("#id_measures", "周界警戒、備援電力")
    page.fill("#id_next_review_on", "2027-06-30")
    page.click("button[type=submit].primary")
    page.click("text=新增防護單位")
    page.select_option("#id_kind", "military")
    page.fill("#id_name", "陸軍第六軍團")
    page.click("button[type=submit].primary")
    page.click("#submit-plan")
    assert page.locator("#plan-status").get_attribute("data-status") == "submitted"
    assert page.locator("#approve-plan").count() == 0
    plan_url = page.url

    page.context.clear_cookies()
    login(page, live_server, "t_approver")
    page.goto(plan_url)
    page.fill("#id_comment", "同意")
    page.click("#approve-plan")
    assert page.locator("#plan-status").get_attribute("data-status") == "approved"
