"""The end of the call-up in the browser: a township clerk requests an exemption (with a scanned certificate)
and, once the MND unit approves it, sees the replacement's notice appear; an approver approves the recall of
one township that staff proposed and sees those notices withdrawn."""

import pytest

from mobilization.models import Exemption, Notice, OrderChange
from mobilization.tests.lifecycle_world import issued_order
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def switch_user(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username)


def test_clerk_requests_an_exemption_and_sees_the_replacement_appear(page, live_server, users, tmp_path):
    world = issued_order(users)
    notice = world.notice("b1")
    certificate = tmp_path / "診斷證明.pdf"
    certificate.write_bytes(PDF)

    login(page, live_server, "t_township")
    page.goto(f"{live_server.url}/mobilization/notices/{notice.pk}/")
    page.wait_for_selector("#exempt-form")
    page.select_option("#exempt-form select[name=ground]", "illness")
    page.fill("#exempt-form textarea[name=note]", "住院中，附診斷證明")
    page.set_input_files("#exempt-form input[name=documents]", str(certificate))
    page.click("#exempt-submit")
    page.wait_for_selector("#exemption-table tr[data-status=requested]")
    assert "診斷證明" in page.locator("#exemption-table").inner_text()
    assert not page.locator("#replacement-link").count()

    # The MND responsible unit approves on the same page.
    switch_user(page, live_server, "t_staff")
    exemption = Exemption.objects.get()
    page.goto(f"{live_server.url}/mobilization/notices/{notice.pk}/")
    page.fill(f"#exemption-comment-{exemption.pk}", "准予免召")
    page.click(f"#approve-exemption-{exemption.pk}")
    page.wait_for_selector("#notice-status[data-status=exempted]")

    # Back as the clerk: the notice says who replaces the person, and the replacement's notice is there.
    switch_user(page, live_server, "t_township")
    page.goto(f"{live_server.url}/mobilization/notices/{notice.pk}/")
    page.wait_for_selector("#replacement-link")
    replacement = Notice.objects.get(replaces=notice)
    assert replacement.number in page.locator("#replacement-link").inner_text()
    page.click("#replacement-link")
    page.wait_for_selector("#replaces-link")
    assert notice.number in page.locator("#replaces-link").inner_text()
    assert replacement.reservist_id == world.people["b4"].pk


def test_approver_approves_a_recall_of_one_township_and_sees_its_notices_withdrawn(page, live_server, users):
    world = issued_order(users)
    asked = []  # the confirmations the page asks for before irreversible steps, answered yes

    def confirm(dialog):
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", confirm)

    login(page, live_server, "t_staff")
    page.goto(f"{live_server.url}/mobilization/orders/{world.order.pk}/")
    page.wait_for_selector("#recall-form")
    page.check("#recall-form input[name=townships][value='220']")
    page.fill("#recall-form input[name=reason]", "板橋區誤發")
    page.click("#recall-submit")
    page.wait_for_selector("#change-table tr[data-status=proposed]")
    assert len(asked) == 1 and "撤回" in asked[0]
    change = OrderChange.objects.get()
    assert not page.locator(f"#approve-change-{change.pk}").count()  # not by the proposer

    switch_user(page, live_server, "t_approver")
    page.goto(f"{live_server.url}/mobilization/orders/{world.order.pk}/")
    page.fill(f"#change-comment-{change.pk}", "同意撤銷")
    page.click(f"#approve-change-{change.pk}")
    page.wait_for_selector(f"#change-table tr[data-change='{change.pk}'][data-status=done]")
    assert len(asked) == 2 and "無法復原" in asked[1]
    row = page.locator("#yield-table tr[data-township='220']")
    assert row.locator("td[data-withdrawn]").get_attribute("data-withdrawn") == "3"

    page.goto(f"{live_server.url}/mobilization/orders/{world.order.pk}/notices/?township=220")
    page.wait_for_selector("#notice-table")
    statuses = page.locator("#notice-table tbody tr").evaluate_all("rows => rows.map(r => r.dataset.status)")
    assert statuses and set(statuses) == {"withdrawn"}
    assert Notice.objects.get(pk=world.notice("x1").pk).status != "withdrawn"
