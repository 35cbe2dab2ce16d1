"""Issue 16, the data findings: each test performs the reported attack and fails if the hole comes back.

Finding numbers are the issue's. The 2FA, token and admin findings (1-3, 8, 13c) have their own section.
"""

import io
import re
import zipfile
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from civil_defense.tests.factories import make_member, make_team
from core import csvexport, importing
from core.audit import DENIED_EVENT
from core.choices import AuditAction, Role
from core.models import AuditEvent, Job, Region
from core.pii import check_digit, mask_national_id
from core.testing import COUNTY_A, COUNTY_B, api_client, county, logged_in
from reservists.tests.factories import make_reservist

pytestmark = pytest.mark.django_db

SECRET = "F194258032"  # the ID the assessment recovered in 31 requests


def id_with(prefix9: str) -> str:
    return prefix9 + check_digit(prefix9)


@pytest.fixture
def target(users):
    """The person whose ID a masked-ID user tries to recover, in the local official's own county."""
    assert check_digit(SECRET[:9]) == SECRET[9]
    return make_reservist(county(COUNTY_A), national_id=SECRET, name="目標人")


def pii_searches(user):
    return AuditEvent.objects.filter(action=AuditAction.VIEW_PII, user_id=user.pk, object_id=None)


# ----- finding 4: the prefix-search oracle -------------------------------------------------------------


def test_4_prefix_search_does_not_depend_on_hidden_digits_in_the_api(users, target):
    client = api_client(users.county_a)
    answers = set()
    for digit in "0123456789":
        response = client.get("/api/reservists/", {"q": f"F19{digit}"})
        answers.add((response.status_code, response.content))
        deeper = client.get("/api/reservists/", {"q": f"F1942580{digit}"})
        answers.add((deeper.status_code, deeper.content))
    # every probe gets the same refusal: nothing in the answer depends on the digits the mask hides
    assert len(answers) == 1
    status, body = answers.pop()
    assert status == 400 and b"q" in body
    assert SECRET.encode() not in body


def test_4_prefix_search_does_not_depend_on_hidden_digits_on_the_page_and_export(users, target):
    client = logged_in(users.county_a)
    pages, exports = set(), set()
    for digit in "0123456789":
        page = client.get(reverse("reservists:list"), {"q": f"F19{digit}"})
        assert page.status_code == 400
        pages.add(target.name in page.content.decode())
        export = client.get(reverse("reservists:export"), {"q": f"F19{digit}"})
        assert export.status_code == 400
        exports.add(export.content)
    assert len(exports) == 1
    # the page shows the refusal, and whether the person is listed is the same for every hidden digit
    assert len(pages) == 1


def test_4_masked_users_search_by_the_visible_parts_and_each_search_is_logged(users, target):
    other = make_reservist(county(COUNTY_A), national_id=id_with("F19000012"))
    client = api_client(users.county_a)

    def ids(q):
        response = client.get("/api/reservists/", {"q": q})
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert target.pk in ids("F19") and other.pk in ids("F19")  # the letter and two digits are shown
    assert ids(mask_national_id(SECRET)) == {target.pk}  # as shown in the list: F19****032
    assert ids("032") == {target.pk} and ids("***032") == {target.pk}  # the last three digits
    assert ids(SECRET) == {target.pk}  # the complete ID, exact
    assert pii_searches(users.county_a).count() == 6  # one event per search
    logged = pii_searches(users.county_a).get(after__kind="exact")
    assert SECRET not in logged.message and mask_national_id(SECRET) in logged.message
    # a nationwide role that sees full IDs keeps its prefix search
    staff = api_client(users.staff).get("/api/reservists/", {"q": "F1942"})
    assert staff.status_code == 200 and [r["id"] for r in staff.json()["results"]] == [target.pk]


def test_4_national_id_filter_is_exact_and_logged(users, target):
    client = api_client(users.county_a)
    found = client.get("/api/reservists/", {"national_id": SECRET.lower()})
    assert found.status_code == 200 and [r["id"] for r in found.json()["results"]] == [target.pk]
    assert found.json()["results"][0]["national_id"] == mask_national_id(SECRET)
    assert client.get("/api/reservists/", {"national_id": "F1942"}).status_code == 400
    assert pii_searches(users.county_a).filter(after__kind="exact").count() == 1


def test_4_the_portal_puts_no_national_id_in_a_url(users, target):
    client = logged_in(users.county_a)
    list_url = reverse("reservists:list")
    page = client.get(list_url).content.decode()
    assert re.search(r'<form method="post"[^>]*id="reservist-filters"', page)
    response = client.post(list_url, {"q": SECRET, "status": "active"})
    assert response.status_code == 302
    location = response["Location"]
    assert (
        SECRET not in location and SECRET.lower() not in location and "s=" in location and "status=active" in location
    )
    listed = client.get(location)
    html = listed.content.decode()
    assert listed.status_code == 200 and target.name in html
    # the export link and the pager keep the token, not the ID
    assert SECRET not in "".join(re.findall(r'href="([^"]*)"', html))
    export = client.get(reverse("reservists:export") + location[len(list_url) :])
    body = b"".join(export.streaming_content).decode()
    assert mask_national_id(SECRET) in body and body.count("\n") == 2
    # the token belongs to the session that made it
    stranger = logged_in(users.county_a)
    expired = stranger.get(location)
    assert expired.status_code == 302 and "s" not in parse_qs(urlsplit(expired["Location"]).query)
    assert stranger.get(reverse("reservists:export") + location[len(list_url) :]).status_code == 400


# ----- finding 5: every figure scoped ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["county_b", "county_a", "township"])
@pytest.mark.usefixtures("orders_dated_2024")
def test_5_order_summary_figures_match_the_users_scoped_candidates(users, run_on_commit, who):
    from mobilization.models import Candidate

    for code in ("220", "221", "100", "104"):
        for _ in range(2):
            make_reservist(county(COUNTY_A), township=Region.objects.get(code=code))
    staff = api_client(users.staff)
    body = {
        "mobilization_type": "educational",
        "title": "scope check",
        "legal_basis": "後備軍人召集條例",
        "report_date": "2024-03-15",
        "days": 14,
        "quota": 4,
        "target_regions": [COUNTY_A, COUNTY_B],
    }
    order = staff.post("/api/mobilization/orders/", body, format="json")
    assert order.status_code == 201, order.content
    order_id = order.json()["id"]
    run_on_commit(lambda: staff.post(f"/api/mobilization/orders/{order_id}/select/", {}, format="json"))
    user = users.get(who)
    response = api_client(user).get(f"/api/mobilization/orders/{order_id}/")
    assert response.status_code == 200
    summary = response.json()["summary"]
    mine = Candidate.objects.for_user(user).filter(order_id=order_id)
    assert summary["counts"]["total"] == mine.count() > 0
    assert Candidate.objects.filter(order_id=order_id).count() > mine.count()
    for decision in ("eligible", "successive", "later", "ineligible"):
        assert summary["counts"][decision] == mine.filter(decision=decision).count()
    assert {row["township_id"] for row in summary["by_township"]} == set(mine.values_list("township_id", flat=True))
    for row in summary["by_township"]:
        assert row["total"] == mine.filter(township_id=row["township_id"]).count()
    assert summary["by_specialty"] == []
    assert "shortfall" not in summary  # the nation's shortfall is not a figure of this user's scope
    # the page and the API agree
    page = logged_in(user).get(reverse("mobilization:order-detail", args=[order_id]))
    assert page.context["summary"]["counts"] == summary["counts"]


# ----- finding 6: uploads bounded --------------------------------------------------------------------------


def test_6_an_upload_over_the_limit_is_refused_before_it_is_read(users, settings):
    settings.PORTAL_UPLOAD_MAX_BYTES = 1024
    client = logged_in(users.staff)
    big = SimpleUploadedFile("big.csv", b"national_id,name\n" + b"A123456789,x\n" * 200)
    response = client.post(reverse("reservists:import"), {"kind": "reservists", "file": big})
    assert response.status_code == 200  # the form again, with its error
    assert "MB" in response.content.decode() and not Job.objects.exists()
    from reservists.imports import ReservistImport

    big.seek(0)
    with pytest.raises(ValidationError, match="MB"):  # scripts and commands call the service directly
        importing.start_import(ReservistImport, users.staff, big)


def xlsx_with(sheet_xml: bytes) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["national_id", "name"])
    out = io.BytesIO()
    workbook.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    return rebuilt.getvalue()


def test_6_a_zip_bomb_xlsx_is_refused_before_openpyxl_reads_it(settings):
    settings.PORTAL_XLSX_MAX_UNZIPPED = 5 * 1024 * 1024
    padding = b"<!-- " + b"A" * (8 * 1024 * 1024) + b" -->"
    bomb = xlsx_with(b'<?xml version="1.0"?><worksheet>' + padding + b"</worksheet>")
    assert len(bomb) < 100_000
    with pytest.raises(importing.ImportFailed, match="MB"):
        next(importing.read_table(bomb, "bomb.xlsx"))


def test_13d_6_nested_entities_are_refused_and_not_echoed(users, django_capture_on_commit_callbacks):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "' + b"x" * 1000 + b'">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>national_id</t></is></c></row>'
        b'<row r="2"><c r="A2" t="inlineStr"><is><t>&c;</t></is></c></row></sheetData></worksheet>'
    )
    from reservists.imports import ReservistImport

    with django_capture_on_commit_callbacks(execute=True):
        job = importing.start_import(ReservistImport, users.staff, SimpleUploadedFile("n.xlsx", xlsx_with(laughs)))
    job.refresh_from_db()
    assert job.status == "failed"
    assert len(str(job.result)) < 2000 and "xxxxxxxxxx" not in str(job.result)


def test_6_reading_stops_at_the_row_limit(settings):
    settings.PORTAL_IMPORT_MAX_ROWS = 5
    from reservists.imports import ReservistImport

    consumed = []

    def rows():
        yield [c.name for c in ReservistImport.columns]
        for n in range(1_000_000):
            consumed.append(n)
            yield ["A123456789", "x"]

    with pytest.raises(importing.ImportFailed, match="5"):
        ReservistImport().parse(rows())
    assert len(consumed) == 6  # stopped at the first row beyond the limit, not after parsing the file


def test_6_error_list_is_short_and_bounded():
    error = importing.RowError(2, "name", "x" * 100_000)
    assert len(error.as_dict()["message"]) <= importing.MAX_ERROR_TEXT


def test_6_imports_run_on_the_bulk_queue():
    from config.celery import app

    route = app.amqp.router.route({}, "core.importing.run_import")
    assert route["queue"].name == "bulk"
    assert app.amqp.router.route({}, "reports.generate_report")["queue"].name == "interactive"
    with open("scripts/run.sh", encoding="utf-8") as fh:
        assert re.search(r"worker -Q bulk,print", fh.read())
    with open("docker-compose.yml", encoding="utf-8") as fh:
        assert re.search(r'"worker", "-Q", "bulk"', fh.read())


# ----- finding 7: formulas in CSV exports -------------------------------------------------------------


@pytest.mark.parametrize("value", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_7_formula_leading_cells_are_neutralised(value):
    assert csvexport.safe_cell(value) == "'" + value
    assert csvexport.safe_cell("王小明") == "王小明" and csvexport.safe_cell(5) == 5


def test_7_the_reservist_export_carries_no_formula(users):
    make_reservist(county(COUNTY_A), rank="+1+1", phone="-2+3", address="=cmd|' /C calc'!A0")
    response = logged_in(users.staff).get(reverse("reservists:export"))
    body = b"".join(response.streaming_content).decode()
    cells = [cell for line in body.splitlines()[1:] for cell in line.split(",")]
    assert "'+1+1" in cells and "'-2+3" in cells
    assert not any(cell.lstrip('"').startswith(("=", "+", "-", "@")) for cell in cells)


def test_7_every_csv_writer_goes_through_core_csvexport():
    import pathlib

    offenders = [
        str(path)
        for path in pathlib.Path(".").glob("*/**/*.py")
        if ".venv" not in path.parts
        and "tests" not in path.parts
        and path.name != "csvexport.py"
        and re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# ----- finding 9: full IDs in responses, denied requests ---------------------------------------------


def test_9b_a_patch_answer_with_the_full_id_is_logged(users):
    person = make_reservist(county(COUNTY_A))
    response = api_client(users.staff).patch(f"/api/reservists/{person.pk}/", {"rank": "下士"}, format="json")
    assert response.status_code == 200 and response.json()["national_id"] == person.national_id
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW_PII, table_name="reservists_reservist", object_id=person.pk, user_id=users.staff.pk
    ).exists()


def test_9c_member_api_answers_with_full_ids_are_logged(users):
    member = make_member(make_team(COUNTY_A))
    response = api_client(users.staff).get("/api/civil-defense/members/")
    assert response.status_code == 200
    assert member.national_id in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW_PII, table_name=member._meta.db_table, object_id=member.pk, user_id=users.staff.pk
    ).exists()


def test_9c_denied_requests_are_logged_rate_limited_and_listed_for_auditors(users, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "denied": "3/minute"}
    from django.core.cache import cache

    cache.clear()
    theirs = make_reservist(county(COUNTY_B))
    client = api_client(users.county_a)
    for _ in range(5):
        assert client.get(f"/api/reservists/{theirs.pk}/", HTTP_X_REQUEST_ID="probe-1").status_code == 404
    assert logged_in(users.county_a).get(reverse("reservists:detail", args=[theirs.pk])).status_code == 404
    events = AuditEvent.objects.filter(message=DENIED_EVENT, user_id=users.county_a.pk)
    assert events.count() == 3  # at most 3 a minute for this user
    first = events.order_by("id").first()
    assert first.username == users.county_a.username and first.request_id == "probe-1"
    assert first.after == {"status": 404, "method": "GET", "path": f"/api/reservists/{theirs.pk}/"}
    page = logged_in(users.auditor).get(reverse("core:audit-list"), {"event": DENIED_EVENT})
    assert page.status_code == 200 and f"/api/reservists/{theirs.pk}/" in page.content.decode()


# ----- finding 10: foreign-key filters -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "param", "make"),
    [
        ("/api/civil-defense/members/", "team", lambda: make_team(COUNTY_A).pk),
        ("/api/civil-defense/teams/", "parent", lambda: make_team(COUNTY_A).pk),
        ("/api/civil-defense/trainings/", "team", lambda: make_team(COUNTY_A).pk),
    ],
)
def test_10_out_of_scope_and_missing_ids_get_the_same_answer(users, url, param, make):
    theirs = make()
    client = api_client(users.county_b)
    out_of_scope = client.get(url, {param: theirs})
    missing = client.get(url, {param: 999_999_999})
    assert out_of_scope.status_code == missing.status_code
    assert out_of_scope.json() == missing.json()


# ----- finding 11: auditors see masked IDs ---------------------------------------------------------------


def test_11_auditors_see_masked_ids(users):
    person = make_reservist(county(COUNTY_A))
    assert not users.auditor.has_perm("core.view_full_national_id")
    assert not Group.objects.get(name=Role.AUDITOR).permissions.filter(codename="view_full_national_id").exists()
    row = api_client(users.auditor).get(f"/api/reservists/{person.pk}/").json()
    assert row["national_id"] == mask_national_id(person.national_id)


# ----- finding 12: out-of-range filter values --------------------------------------------------------------


@pytest.mark.parametrize("value", ["5000", "99999999999999999999", "-1", "1e400"])
@pytest.mark.parametrize("name", ["retired_years_min", "retired_years_max"])
def test_12_out_of_range_filters_are_400_not_500(users, name, value):
    assert api_client(users.staff).get("/api/reservists/", {name: value}).status_code == 400
    assert logged_in(users.staff).get(reverse("reservists:export"), {name: value}).status_code == 400
    page = logged_in(users.staff).get(reverse("reservists:list"), {name: value})
    assert page.status_code == 400 and page.context["filter_errors"]


@pytest.mark.parametrize(
    "url", ["/api/cip/dependencies/", "/api/exercises/corrective-actions/", "/api/regions/", "/api/cip/assets/"]
)
def test_12_integer_filters_take_no_value_beyond_a_bigint(users, url):
    param = {
        "/api/cip/dependencies/": "asset",
        "/api/exercises/corrective-actions/": "owner",
        "/api/regions/": "parent",
        "/api/cip/assets/": "operator",
    }[url]
    response = api_client(users.approver).get(url, {param: "9" * 20})
    assert response.status_code == 400, response.content


# ----- finding 13: plan-unit organisations, schema ------------------------------------------------------


def test_13a_agencies_are_offered_only_the_organisations_they_may_name(users):
    from cip.forms import PlanUnitForm
    from core.models import Organisation

    form = PlanUnitForm(user=users.agency)
    offered = set(form.fields["organisation"].queryset.values_list("pk", flat=True))
    assert offered == set(Organisation.objects.for_user(users.agency).values_list("pk", flat=True))
    assert Organisation.objects.exclude(pk__in=offered).exists()


def test_13b_schema_and_docs_need_a_login_in_production(users, settings):
    assert settings.DEBUG is False
    assert api_client().get("/api/schema/").status_code in (401, 403)
    assert api_client().get("/api/docs/").status_code in (401, 403)
    assert api_client(users.county_a).get("/api/schema/").status_code == 200
