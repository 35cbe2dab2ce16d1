"""A township clerk finds a reservist by national ID and files a residence move; an MND approver approves
it in the queue; the reservist's page then shows the new township and the move in its history."""

import pytest

from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_residence_move_journey(page, live_server, users):
    from core.models import Region
    from core.testing import county
    from reservists.tests.factories import make_reservist

    reservist = make_reservist(county("TW-NWT"), name="林志明")
    taipei = Region.objects.get(code="100")

    login(page, live_server, "t_township")
    page.goto(f"{live_server.url}/reservists/")
    page.fill('#reservist-filters input[name="q"]', reservist.national_id)
    page.click('#reservist-filters button[type="submit"]')
    rows = page.locator("#reservist-table tbody tr")
    assert rows.count() == 1 and "林志明" in rows.inner_text()
    assert reservist.national_id not in rows.inner_text()  # masked for the township office
    rows.locator("a").first.click()
    page.click(f'a[href="/reservists/{reservist.pk}/move/"]')
    page.select_option("#id_to_township", str(taipei.pk))
    page.fill("#id_new_address", "臺北市中正區重慶南路一段122號")
    page.fill("#id_reason", "工作調動")
    page.click("button[type=submit].primary")
    assert "待核定" in page.locator("#residence-moves").inner_text()
    page.hover("#account-menu")
    page.click("button.linklike:has-text('登出'), form[action='/logout/'] button")

    login(page, live_server, "t_approver")
    page.goto(f"{live_server.url}/reservists/moves/")
    assert page.locator("#move-table tbody tr").count() == 1
    page.click('#move-table button[value="approve"]')
    page.goto(f"{live_server.url}/reservists/{reservist.pk}/")
    assert "中正區" in page.locator("main").inner_text()
    assert "核准" in page.locator("#residence-moves").inner_text()
