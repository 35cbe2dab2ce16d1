"""A county official logs in, switches the language, and sees only their own county's townships."""

import pytest

from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_official_language_and_scope(page, live_server, users):
    page.goto(f"{live_server.url}/login/")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    assert page.locator("h1").inner_text() == "登入"
    login(page, live_server, "t_county_a")
    assert "新北市" in page.locator(".scope").inner_text()

    page.click("button[data-lang=en]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(f"{live_server.url}/regions/?level=township")
    assert page.locator("html").get_attribute("lang") == "en"  # the choice sticks across pages
    names = page.locator("#region-table tbody .region-name").all_inner_texts()
    assert len(names) == 29
    assert "Banqiao District" in names
    assert "Zhongzheng District" not in names  # 臺北市's first district is another county's
