"""A county official (local_gov, sees national IDs masked) finds a reservist by the given name alone, opens them,
assigns them to a shelter of the county and sees it there; filters the registry with the region picker by typing
"板橋"; types a date as 115/03/01 (issue 18). In zh-TW, failing on a console error or a CSP violation."""

import datetime
import os
import re

import pytest
from playwright.sync_api import expect

from civil_defense.models import ShelterAssignment
from civil_defense.tests.factories import make_shelter, make_team
from core.testing import county
from reservists.tests.factories import make_reservist
from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("JOURNEY_SCREENSHOTS", "/tmp/find-journey")


def shot(page, name):
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_county_official_finds_assigns_to_a_shelter_and_types_roc_dates(page, live_server, users):
    errors = []

    def console(msg):
        # the browser's own request for /favicon.ico (the portal has none) is not the page's error
        if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico"):
            errors.append(f"{msg.text} {msg.location}")

    page.on("console", console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    ntpc = county("TW-NWT")
    person = make_reservist(ntpc, name="王小明", birth_date=datetime.date(1990, 5, 31))
    make_reservist(ntpc, name="陳大文")
    make_reservist(county("TW-TPE"), name="張小明")  # another county: never found by this official
    make_shelter(name="板橋國小避難所", capacity=50)
    make_shelter("TW-TPE", name="臺北避難所")
    make_team()

    login(page, live_server, "t_county_a")

    # 1. Search by the given name alone: the count, the person, masked; nobody of another county.
    page.goto(f"{live_server.url}/reservists/")
    page.fill("input[name=q]", "小明")
    page.click("#reservist-filters button[type=submit]")
    page.wait_for_load_state()
    table = page.locator("#reservist-table").inner_text()
    assert "王小明" in table and "張小明" not in table and "陳大文" not in table
    assert person.national_id not in page.content() and person.masked_national_id in table
    assert "共 1 位後備軍人符合" in page.locator("#match-count").inner_text()
    assert "小明" not in page.url  # the search text never lands in the URL
    shot(page, "1-search-given-name")

    # 2. Open them; assign them to a shelter of their county from their page.
    page.click(f"#reservist-table a:text('{person.masked_national_id}')")
    page.wait_for_url(re.compile(rf"/reservists/{person.pk}/$"))
    page.click("#shelter-assignment a.button")
    page.wait_for_url(re.compile(rf"/civil-defense/reservists/{person.pk}/shelter/$"))
    choices = page.locator("#shelter-choices").inner_text()
    assert "板橋國小避難所" in choices and "臺北避難所" not in choices
    shot(page, "2-choose-shelter")
    page.click("#shelter-choices button:text('指派至此')")
    page.wait_for_load_state()
    assert "王小明" in page.locator("#assignment-table").inner_text()
    assert "1 / 50" in page.locator("#shelter-fill").inner_text()
    assert ShelterAssignment.objects.filter(reservist=person, released_at__isnull=True).count() == 1
    shot(page, "3-assigned")

    # ... and the shelter's own search finds people by the given name, showing who has a shelter already.
    page.fill("#find-reservist input[name=q]", "小明")
    page.click("#find-reservist button[type=submit]")
    page.wait_for_load_state()
    assert "已有避難設施" in page.locator("#found-reservists").inner_text()

    # 3. The region picker: typing 板橋 offers 新北市板橋區, by name, and filters the registry by it.
    page.goto(f"{live_server.url}/reservists/")
    picker = page.locator("#township-picker + .ts-wrapper .ts-control")
    picker.wait_for()
    picker.click()
    page.keyboard.type("板橋")
    options = page.locator("#township-picker-ts-dropdown .option")
    expect(options).to_have_count(1)  # of the county's 29 townships, only 板橋 matches what was typed
    option = options.first
    expect(option).to_have_text("新北市板橋區")
    shot(page, "4-region-picker")
    option.click()
    assert page.eval_on_selector("#township-picker", "select => select.value") == "220"
    shot(page, "4b-region-picked")
    with page.expect_navigation():
        page.click("#reservist-filters button[type=submit]")
    shot(page, "4c-filtered")
    assert "township=220" in page.url, page.url
    assert "王小明" in page.locator("#reservist-table").inner_text()
    assert "新北市板橋區" in page.locator("#township-picker + .ts-wrapper .ts-control").inner_text()

    # 4. A date typed in the ROC calendar: both calendars shown as typed, and accepted.
    page.goto(f"{live_server.url}/civil-defense/trainings/new/")
    page.fill("#id_date", "115/03/01")
    assert "民國115年3月1日 (2026-03-01)" in page.locator("#id_date-both").inner_text()
    page.select_option("#id_team", index=1)
    page.fill("#id_subject", "急救訓練")
    page.fill("#id_hours", "2")
    page.fill("#id_location", "板橋")
    shot(page, "5-roc-date")
    page.click("form button[type=submit].primary")
    page.wait_for_url(re.compile(r"/civil-defense/trainings/\d+/$"))
    from civil_defense.models import TrainingSession

    assert TrainingSession.objects.get(subject="急救訓練").date == datetime.date(2026, 3, 1)
    assert not errors, errors


def test_order_forms_call_up_regions_picker_lists_counties_then_their_townships(page, live_server, users):
    """召集地區 was a 4-row multi-select of ~390 options needing Ctrl-click, counties after all townships."""
    login(page, live_server, "t_staff")
    page.goto(f"{live_server.url}/mobilization/orders/new/")
    control = page.locator("#id_target_regions + .ts-wrapper .ts-control")
    control.click()
    options = page.locator("#id_target_regions-ts-dropdown .option")
    expect(options.first).to_have_text("臺北市")
    assert options.nth(1).inner_text() == "臺北市中正區"  # the county, then its townships, in the official order
    page.keyboard.type("板橋")
    expect(options).to_have_count(1)
    options.first.click()
    page.locator("#id_target_regions-ts-control").fill("新北市")
    expect(options.first).to_have_text("新北市")
    options.first.click()
    shot(page, "6-order-regions")
    chosen = page.eval_on_selector_all("#id_target_regions option:checked", "opts => opts.map(o => o.textContent)")
    assert sorted(chosen) == ["新北市", "新北市板橋區"]
