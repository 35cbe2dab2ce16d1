"""Issue 18 in the browser (zh-TW): an auditor reads the audit log, a county official imports a roster from the
template, and a mistyped address lands on the portal's own 404 page; the menu stays one line at 1280 px."""

import csv
import io
import re

import pytest
from django.utils import timezone

from civil_defense.tests.factories import make_position, make_team, national_id
from core import events
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


def fill_date(page, selector, day):
    """The date box as it is: a browser date input takes ISO, a ROC text box takes 115/12/03."""
    kind = page.get_attribute(selector, "type")
    page.fill(selector, day.isoformat() if kind == "date" else f"{day.year - 1911}/{day.month:02d}/{day.day:02d}")


def menu_is_one_line(page):
    bar = page.locator("header.topbar").bounding_box()
    items = page.locator(".mainnav > a, .mainnav > .navgroup > button")
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    return bar["height"] < 60 and len(tops) == 1


def test_an_auditor_filters_the_log_by_event_and_date_and_reads_it(page, live_server, users):
    for i in range(30):
        events.record("core.access.denied", user=users.staff, after={"path": f"/reservists/{i}/", "status": 404})
    team = make_team(name="板橋區民防救護分隊")
    events.record("core.access.denied", user=users.county_b, obj=team, after={"path": "/x/?q=F126745632"})

    login(page, live_server, "t_auditor")
    page.goto(f"{live_server.url}/audit/")
    assert menu_is_one_line(page)
    assert page.locator(".mainnav .active").count() == 1
    page.select_option("#id_event", "core.access.denied")
    today = timezone.localdate()
    fill_date(page, "#id_date_from", today)
    fill_date(page, "#id_date_to", today)
    page.click("#audit-filters button[type=submit]")
    page.wait_for_load_state()

    rows = page.locator("#audit-table tbody tr")
    assert rows.count() == 25  # a page, not the whole log
    table = page.locator("#audit-table").inner_text()
    assert "拒絕存取" in table and "民國" in table
    assert not ISO_TIME.search(table)  # no UTC ISO times beside the local ones
    assert "網址" in table and "狀態" in table  # the data's keys in words
    assert "F126745632" not in table and "F12****632" in table  # national IDs masked for the auditor
    assert "板橋區民防救護分隊" in table  # the record by its name
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 6000, height
    page.screenshot(path="/tmp/audit-journey-log.png", full_page=True)

    page.click("a[rel=next]")
    page.wait_for_load_state()
    assert page.locator("#audit-table tbody tr").count() == 6
    assert "core.access.denied" in page.url and "after=" in page.url


def test_a_county_official_imports_a_roster_from_the_template(page, live_server, users):
    team = make_team(name="板橋區民防救護分隊")
    make_position(team, "隊長", 1)
    make_position(team, "隊員", 20)
    login(page, live_server, "t_county_a")
    page.goto(f"{live_server.url}/civil-defense/teams/{team.pk}/import/")
    with page.expect_download() as download:
        page.click("a[href$='roster-template.csv']")
    header = download.value.path().read_bytes().decode("utf-8-sig").splitlines()
    assert len(header) == 1  # no sample row that could import by mistake
    assert header[0].startswith("身分證統一編號,姓名,職務")

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header[0].split(","))
    writer.writerow([national_id("F"), "王大明", "隊員", "0912345678", "", "", ""])
    writer.writerow([national_id("F"), "林小華", "分隊員", "", "", "", ""])  # not in the establishment
    page.set_input_files("#id_file", {"name": "名冊.csv", "mimeType": "text/csv", "buffer": out.getvalue().encode()})
    page.click("#import-form button[type=submit]")
    errors = page.locator("#import-errors")
    errors.wait_for()
    row = errors.locator("tbody tr").first.inner_text()
    assert "3" in row and "職務" in row and "分隊員" in row
    job = page.locator("#import-job").inner_text()
    assert "正在檢查" not in job and "未匯入任何資料" in job
    page.screenshot(path="/tmp/audit-journey-import.png", full_page=True)


def test_a_mistyped_address_gets_the_portals_own_404(page, live_server, users):
    login(page, live_server, "t_county_a")
    response = page.goto(f"{live_server.url}/civil-defense/no-such-page/")
    assert response.status == 404
    assert page.locator("#error-page h1").inner_text() == "找不到這個頁面"
    assert page.locator("header.topbar .brand").inner_text() == "動員整備入口網"
    assert menu_is_one_line(page)
    page.click("#error-page a.button")
    page.wait_for_url(f"{live_server.url}/")
    page.screenshot(path="/tmp/audit-journey-404.png")


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_menu_is_one_line_at_1280_px_in_either_language(page, live_server, users, language):
    login(page, live_server, "t_auditor")  # the account with the most entries
    if language == "en":
        page.click("button[data-lang=en]")
        page.wait_for_load_state()
    page.goto(f"{live_server.url}/civil-defense/shelters/")
    assert menu_is_one_line(page)
    assert page.locator(".mainnav .active").count() == 1
    page.hover(".navgroup:has(.current) > button")
    assert page.locator(".navmenu a.current").is_visible()
    page.screenshot(path=f"/tmp/audit-journey-menu-{language}.png")
