"""A county official asks for a readiness report, watches it finish, downloads it, and the code verifies."""

import datetime

import pytest

from tests.browser.support import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_county_official_requests_downloads_and_verifies_a_report(page, live_server, users, tmp_path, monkeypatch):
    monkeypatch.setattr("reports.dashboard.KEY_PREFIX", f"reports:journey:{tmp_path.name}")
    from core.models import Region
    from reports.tests.conftest import make_reservist

    make_reservist(1, Region.objects.get(code="220"), retired=datetime.date(2022, 1, 1))
    login(page, live_server, "t_county_a")
    page.goto(f"{live_server.url}/reports/")
    assert page.locator("select[name=scope] option").all_inner_texts() == ["新北市"]
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/reports/*/", timeout=90000)  # Celery is eager here: the POST renders the PDF
    page.locator("a.download").first.wait_for(timeout=60000)  # the job finished (the page reloads itself)
    assert "可召集人數" in page.locator("main").inner_text()
    assert page.locator("svg.chart").count() >= 1

    with page.expect_download() as info:
        page.click("a.download")
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    from reports.models import Report

    report = Report.objects.get()
    page.goto(f"{live_server.url}/verify/report/{report.verification_code}/")
    assert "真實" in page.locator(".verify").inner_text()
    page.goto(f"{live_server.url}/reports/dashboard/")
    assert "新北市" in page.locator("h1").inner_text()
    assert "1 (100.0%)" in page.locator("table.summary").inner_text()  # live: the one callable reservist
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
