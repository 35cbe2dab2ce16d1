"""A county official adds a team and two members, imports a roster with one bad row, fixes it, imports."""

import pytest

from civil_defense.tests.factories import national_id
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def roster(rows):
    lines = ["national_id,name,position,phone,availability"] + [",".join(row) for row in rows]
    return {"name": "roster.csv", "mimeType": "text/csv", "buffer": ("\n".join(lines) + "\n").encode()}


def test_county_official_builds_a_team_and_imports_its_roster(page, live_server, users):
    login(page, live_server, "t_county_a")
    page.goto(f"{live_server.url}/civil-defense/")
    page.click("#new-team")
    page.fill("#id_name", "板橋區民防救護分隊")
    page.select_option("#id_kind", "team")
    page.select_option("#id_county", label="新北市")
    page.select_option("#id_township", label="新北市板橋區")
    page.click("button[type=submit].primary")
    assert page.locator("h1").inner_text().startswith("板橋區民防救護分隊")
    # the establishment first: members' positions are chosen from it
    page.fill("#id_establishment-position", "分隊員")
    page.fill("#id_establishment-authorised", "20")
    page.click("#establishment form.inline button[type=submit]")
    page.wait_for_load_state()

    for name in ("王大明", "林小華"):
        page.fill("#id_member-national_id", national_id("F"))
        page.fill("#id_member-name", name)
        page.select_option("#id_member-position", "分隊員")
        page.click("#quick-add button[type=submit]")
        page.wait_for_load_state()
        assert name in page.locator("#roster-table").inner_text()
    assert page.locator("#roster-table tbody tr").count() == 2

    good = [national_id("F"), "陳志明", "分隊員", "0912345678", "available"]
    bad = ["F123456788", "李美玲", "分隊員", "", "available"]  # wrong check digit
    page.click("#import-roster")
    page.set_input_files("#id_file", roster([good, bad]))
    page.click("#import-form button[type=submit]")
    errors = page.locator("#import-errors")
    errors.wait_for()
    text = errors.inner_text()
    assert "3" in text and "身分證" in text and "檢查碼" in text
    page.goto(page.url.split("/import/")[0] + "/")
    assert page.locator("#roster-table tbody tr").count() == 2  # nothing was imported

    page.click("#import-roster")
    bad[0] = national_id("F")
    page.set_input_files("#id_file", roster([good, bad]))
    page.click("#import-form button[type=submit]")
    page.locator("#import-job .badge.ok").wait_for()
    page.click("text=回到名冊")
    names = page.locator("#roster-table").inner_text()
    assert page.locator("#roster-table tbody tr").count() == 4
    assert "陳志明" in names and "李美玲" in names
