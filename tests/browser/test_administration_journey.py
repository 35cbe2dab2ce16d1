"""An MND administrator creates a county account administrator; that administrator creates a township clerk in
their county and is refused one in another county; the new clerk is locked out after 5 failed log-ins and the
county administrator unlocks them; a nationwide grant waits for a second administrator's approval."""

import pytest

from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "journey-Passw0rd-2026"


def password_link(username: str) -> str:
    from django.contrib.auth.models import User

    from mobilization.models import DeliveryMessage

    email = User.objects.get(username=username).email
    body = DeliveryMessage.objects.filter(recipient=email).order_by("-id").first().body
    return "/administration/password/" + body.split("/administration/password/")[1].split("/")[0] + "/"


def set_password(page, live_server, username):
    page.context.clear_cookies()
    page.goto(live_server.url + password_link(username))
    page.fill("#id_new_password1", NEW_PASSWORD)
    page.fill("#id_new_password2", NEW_PASSWORD)
    page.click("#password-form button[type=submit].primary")
    page.wait_for_url(f"{live_server.url}/login/")


def create_account(page, live_server, username, role, regions, permissions=()):
    page.goto(f"{live_server.url}/administration/accounts/new/")
    page.fill("#id_username", username)
    page.fill("#id_full_name", f"{username} 測試")
    page.fill("#id_email", f"{username}@example.gov.tw")
    page.select_option("#id_role", role)
    page.select_option("#id_regions", list(regions))
    for perm in permissions:
        page.check(f'input[name=permissions][value="{perm}"]')
    page.click("#account-form button[type=submit].primary")


def test_delegated_administration_journey(page, live_server, users):
    from core.accounts import provision_user
    from core.choices import Role
    from core.testing import PASSWORD

    provision_user("t_admin2", Role.MND_ADMIN, password=PASSWORD, check_password=False)

    # 1. The MND administrator creates a county account administrator for 新北市.
    login(page, live_server, "t_admin")
    create_account(page, live_server, "nwt_admin", "local_gov", ["TW-NWT"], ["administration.manage_county_accounts"])
    assert "/administration/accounts/" in page.url
    assert "新北市" in page.locator("#account-facts .scope").inner_text()
    assert "縣市帳號管理員" in page.locator("#account-facts").inner_text()

    # 2. The county administrator sets a password and creates a clerk of 板橋區.
    set_password(page, live_server, "nwt_admin")
    login(page, live_server, "nwt_admin", NEW_PASSWORD)
    create_account(page, live_server, "banqiao_clerk", "township_office", ["220"])
    assert "板橋區" in page.locator("#account-facts .scope").inner_text()

    # ... and is refused a clerk of 臺北市中正區 (100), even when the form is made to send it.
    page.goto(f"{live_server.url}/administration/accounts/new/")
    assert page.locator('#id_regions option[value="100"]').count() == 0
    page.fill("#id_username", "zhongzheng_clerk")
    page.fill("#id_email", "zz@example.gov.tw")
    page.evaluate(
        """() => { const o = document.createElement('option'); o.value = '100'; o.textContent = '100';
                   document.querySelector('#id_regions').appendChild(o); }"""
    )
    page.select_option("#id_regions", ["100"])
    page.click("#account-form button[type=submit].primary")
    assert "100" in page.locator("#account-form [role=alert]").inner_text()
    from django.contrib.auth.models import User

    assert not User.objects.filter(username="zhongzheng_clerk").exists()

    # 3. The clerk is locked out after 5 failures; the county administrator unlocks them.
    set_password(page, live_server, "banqiao_clerk")
    for _ in range(5):
        page.fill("#id_username", "banqiao_clerk")
        page.fill("#id_password", "wrong-password-123")
        page.click("button[type=submit].primary")
        page.wait_for_load_state()
        if page.locator("h1", has_text="帳號已鎖定").count():
            break
        page.goto(f"{live_server.url}/login/")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "banqiao_clerk")
    page.fill("#id_password", NEW_PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_load_state()
    assert page.locator("h1", has_text="帳號已鎖定").count() == 1

    page.context.clear_cookies()
    login(page, live_server, "nwt_admin", NEW_PASSWORD)
    page.goto(f"{live_server.url}/administration/accounts/?state=locked")
    page.click('#account-table tr[data-username="banqiao_clerk"] a')
    assert page.locator("#account-facts .state").get_attribute("data-state") == "locked"
    page.click("button[data-action=unlock]")
    assert page.locator("#account-facts .state").get_attribute("data-state") == "active"

    page.context.clear_cookies()
    login(page, live_server, "banqiao_clerk", NEW_PASSWORD)

    # 4. A nationwide grant waits for a second administrator.
    page.context.clear_cookies()
    login(page, live_server, "t_admin")
    clerk = User.objects.get(username="banqiao_clerk")
    page.goto(f"{live_server.url}/administration/accounts/{clerk.pk}/access/")
    page.select_option("#id_role", "mnd_staff")
    page.select_option("#id_regions", [])
    page.click("#account-form button[type=submit].primary")
    assert page.locator("#pending-grant").count() == 1
    assert "公所承辦人" in page.locator("#account-facts .role").inner_text()
    page.goto(f"{live_server.url}/administration/grants/")
    assert page.locator('#pending-grants tr[data-username="banqiao_clerk"] button[data-action=approve]').count() == 0

    page.context.clear_cookies()
    login(page, live_server, "t_admin2")
    page.goto(f"{live_server.url}/administration/grants/")
    page.click('#pending-grants tr[data-username="banqiao_clerk"] button[data-action=approve]')
    page.goto(f"{live_server.url}/administration/accounts/{clerk.pk}/")
    assert page.locator("#account-facts .role").inner_text() == "國防部承辦人"
    assert page.locator("#account-facts .scope").inner_text() == "全國"
