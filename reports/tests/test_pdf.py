import datetime
import subprocess
import tempfile
from pathlib import Path

from django.urls import reverse

from core.models import AuditEvent, Region
from core.testing import api_client, logged_in
from reports.models import Report

from .conftest import AS_OF, make_reservist, pdf_text


def expected_reservist_figures(people, as_of):
    """Independently of the report code: the 8-year window by hand over the fixture's own records."""
    start = as_of.replace(year=as_of.year - 8)
    active = [p for p in people if p.status == "active"]
    callable_ = [p for p in active if start <= p.retirement_date <= as_of]
    return len(active), len(callable_)


def test_county_report_figures_match_the_database_and_hold_only_the_county(users, registry, generate):
    report = generate(users.county_a, "TW-NWT")
    active, callable_ = expected_reservist_figures(registry["nwt"], AS_OF)
    assert (active, callable_) == (6, 4)  # the fixture says so too
    section = report.figures["sections"]["reservists"]
    assert section["active"] == active and section["callable"] == callable_
    assert sorted(section["by_branch"]) == [["air_force", 1, 1], ["army", 2, 4], ["navy", 1, 1]]
    assert section["grants"]["callable_with_grant"] == {"successive": 1, "later": 0, "any": 1}
    assert {code for code, *_ in section["by_area"]} == {"220", "241"}  # no Taipei township

    text = pdf_text(api_client(users.county_a).get(f"/api/reports/{report.pk}/pdf/").content)
    assert "新北市" in text
    assert f"{callable_} (66.7%)" in text  # the summary figure, as printed
    assert "板橋區" in text and "中正區" not in text  # its townships only; not Taipei's 中正區 (100)
    assert report.verification_code in text


def test_national_report_counts_every_county(users, registry, generate):
    report = generate(users.staff, "nation")
    active, callable_ = expected_reservist_figures(registry["nwt"] + registry["tpe"], AS_OF)
    section = report.figures["sections"]["reservists"]
    assert (section["active"], section["callable"]) == (active, callable_) == (9, 6)
    assert {code: c for code, c, _a in section["by_area"]} == {"TW-NWT": 4, "TW-TPE": 2}


def test_download_is_stamped_with_who_and_when_and_logged(users, registry, generate):
    report = generate(users.county_a, "TW-NWT")
    stored = report.pdf.read()
    response = logged_in(users.county_a).get(reverse("reports:pdf", args=[report.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.filter(table_name="reports_report", object_id=report.pk, message="downloaded").get()
    assert event.username == "t_county_a" and event.after["verification_code"] == report.verification_code
    footer = event.after["footer"]
    assert "t_county_a" in footer and report.verification_code in footer
    assert footer in pdf_text(response.content).replace("\n", " ")
    assert footer not in pdf_text(stored)  # the stored body is not changed by a download


def test_pdf_pages_render_to_png(users, registry, generate):
    report = generate(users.staff, "nation")
    assert report.pages >= 4
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "report.pdf"
        pdf.write_bytes(report.pdf.read())
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(Path(folder) / "page")], check=True)
        pngs = sorted(Path(folder).glob("page-*.png"))
        assert len(pngs) == report.pages
        assert all(p.stat().st_size > 5000 for p in pngs)  # not blank pages


def test_english_on_request(users, registry, generate):
    report = generate(users.county_a, "TW-NWT", language="en")
    text = pdf_text(report.pdf.read())
    assert "Readiness report" in text and "New Taipei City" in text


def test_reports_are_kept_and_compared_with_the_previous_one(users, registry, generate):
    first = generate(users.county_a, "TW-NWT")
    first_code, first_file = first.verification_code, first.pdf.name
    make_reservist(99, Region.objects.get(code="220"), retired=datetime.date(2024, 1, 1))
    second = generate(users.county_a, "TW-NWT")
    first.refresh_from_db()
    assert second.pk != first.pk and second.previous_id == first.pk
    assert (first.verification_code, first.pdf.name) == (first_code, first_file)  # never regenerated
    assert first.figures["indicators"]["reservists.callable"] == 4
    assert second.figures["indicators"]["reservists.callable"] == 5
    text = pdf_text(second.pdf.read())
    assert "+1" in text  # the change table


def test_verification_page_and_api(users, registry, generate):
    report = generate(users.county_a, "TW-NWT")
    from django.test import Client

    anonymous = Client()
    page = anonymous.get(f"/verify/report/{report.verification_code}/")
    assert page.status_code == 200
    assert "新北市" in page.content.decode() and "2026-03-01" in page.content.decode()
    data = anonymous.get(f"/api/verify/report/{report.verification_code}/").json()
    assert data == {
        "genuine": True,
        "code": report.verification_code,
        "scope": "TW-NWT",
        "scope_name": "新北市",
        "as_of": "2026-03-01",
        "generated_at": data["generated_at"],
        "pages": report.pages,
    }
    assert anonymous.get("/verify/report/not-a-real-code/").status_code == 404
    assert anonymous.get("/api/verify/report/not-a-real-code/").json()["genuine"] is False
    pending = Report.objects.create(scope_kind="nation", scope_key="nation", as_of=AS_OF)
    assert anonymous.get(f"/verify/report/{pending.verification_code}/").status_code == 404


def test_agency_report_covers_only_what_concerns_an_agency(users, registry, generate):
    from core.models import Organisation

    organisation = Organisation.objects.get(code="t-agency-a")
    report = generate(users.agency, f"agency:{organisation.pk}")
    assert report.status == "ready" and report.organisation == organisation
    sections = report.figures["sections"]
    assert sections["reservists"]["reason"] == "not_applicable"  # no registry data in an agency's report
    assert sections["civil_defense"]["reason"] == "not_applicable"
    assert sections["critical_infrastructure"]["available"] and sections["critical_infrastructure"]["assets"] == 0
    text = pdf_text(report.pdf.read())
    assert "t-agency-a" in text and "新北市" not in text.split("t-agency-a", 1)[0]
