import datetime

import pytest
from django.urls import reverse

from core.models import Organisation
from core.testing import ScopedAPIContract, api_client
from reports.models import Report

from .conftest import AS_OF, quick_report


def agency_scope(code):
    return f"agency:{Organisation.objects.get(code=code).pk}"


def test_post_returns_the_report_with_its_job(users, registry, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(users.county_a).post(
            "/api/reports/", {"scope": "TW-NWT", "as_of": "2026-03-01"}, format="json"
        )
    assert response.status_code == 201
    data = response.json()
    assert data["scope"] == "TW-NWT"
    assert data["as_of"] == "2026-03-01"
    assert data["job"]["id"] and data["job"]["status"] in ("queued", "running", "succeeded")
    report = Report.objects.select_related("job").get(pk=data["id"])
    assert report.job.status == "succeeded" and report.status == "ready" and report.pdf
    detail = api_client(users.county_a).get(f"/api/reports/{report.pk}/").json()
    assert detail["status"] == "ready" and detail["job"]["status"] == "succeeded" and detail["pdf_url"]


@pytest.mark.parametrize(
    ("user", "scope", "as_of", "status"),
    [
        ("county_a", "TW-TPE", "2026-03-01", 404),  # another county
        ("county_a", "nation", "2026-03-01", 404),  # wider than theirs
        ("county_a", "TW-ZZZ", "2026-03-01", 404),  # well-formed, unknown
        ("county_a", "agency:999999999", "2026-03-01", 404),
        ("agency", "agency:b", "2026-03-01", 404),  # another agency's
        ("agency", "TW-NWT", "2026-03-01", 404),
        ("township", "TW-NWT", "2026-03-01", 403),  # may read reports, not request them
        ("auditor", "nation", "2026-03-01", 403),
        ("nobody", "nation", "2026-03-01", 403),
        ("county_a", "county", "2026-03-01", 400),  # malformed
        ("county_a", "agency:abc", "2026-03-01", 400),
        ("county_a", "TW-NWT", "2026-13-01", 400),
        ("county_a", "TW-NWT", "tomorrow", 400),
        ("county_a", "TW-NWT", "2999-01-01", 400),  # the future
    ],
)
def test_scopes_outside_the_users_are_refused_and_nothing_is_made(users, user, scope, as_of, status):
    if scope == "agency:b":
        scope = agency_scope("t-agency-b")
    before = Report.objects.count()
    response = api_client(users.get(user)).post("/api/reports/", {"scope": scope, "as_of": as_of}, format="json")
    assert response.status_code == status, response.content
    assert Report.objects.count() == before


def test_agency_may_request_its_own_scope(users, django_capture_on_commit_callbacks):
    response = api_client(users.agency).post(
        "/api/reports/", {"scope": agency_scope("t-agency-a"), "as_of": "2026-03-01"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["scope_kind"] == "agency"


@pytest.fixture
def spread(users):
    return {
        "nation": quick_report("nation"),
        "nwt": quick_report("TW-NWT"),
        "tpe": quick_report("TW-TPE"),
        "agency_a": quick_report(agency_scope("t-agency-a")),
        "agency_b": quick_report(agency_scope("t-agency-b")),
    }


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        ("county_a", {"nwt"}),
        ("county_b", {"tpe"}),
        ("township", set()),  # a township grant does not cover its county's report
        ("agency", {"agency_a"}),
        ("agency_b", {"agency_b"}),
        ("auditor", {"nation", "nwt", "tpe", "agency_a", "agency_b"}),
        ("staff", {"nation", "nwt", "tpe", "agency_a", "agency_b"}),
    ],
)
def test_list_holds_only_the_users_scope(users, spread, user, expected):
    wanted = {spread[name].pk for name in expected}
    api_ids = {row["id"] for row in api_client(users.get(user)).get("/api/reports/").json()["results"]}
    assert api_ids == wanted
    from core.testing import logged_in

    page = logged_in(users.get(user)).get(reverse("reports:list"))
    assert page.status_code == 200
    assert {r.pk for r in page.context["object_list"]} == wanted


def test_agency_cannot_download_another_agencys_report(users, spread):
    theirs = spread["agency_b"]
    theirs.status = "ready"
    theirs.pdf.name = "reports/none.pdf"
    theirs.save()
    assert api_client(users.agency).get(f"/api/reports/{theirs.pk}/pdf/").status_code == 404
    assert api_client(users.agency).get(f"/api/reports/{theirs.pk}/").status_code == 404
    from core.testing import logged_in

    assert logged_in(users.agency).get(reverse("reports:pdf", args=[theirs.pk])).status_code == 404
    assert logged_in(users.agency).get(reverse("reports:detail", args=[theirs.pk])).status_code == 404


def test_list_query_counts_are_pinned(users, django_assert_max_num_queries):
    for day in range(1, 31):
        quick_report("TW-NWT", as_of=datetime.date(2026, 1, day))
        quick_report("nation", as_of=datetime.date(2026, 1, day))
    from core.testing import logged_in

    client = logged_in(users.staff)
    client.get(reverse("reports:list"))  # warm the session and permission caches
    with django_assert_max_num_queries(12):
        response = client.get(reverse("reports:list"))
    assert response.status_code == 200 and len(response.context["object_list"]) == 50
    api = api_client(users.county_a)
    with django_assert_max_num_queries(10):
        response = api.get("/api/reports/")
    assert response.json()["count"] == 30


class TestReportAPI(ScopedAPIContract):
    allowed = "county_a"
    list_url = "/api/reports/"

    def make_object(self, county):
        return quick_report(county.code, as_of=AS_OF)

    def detail_url(self, obj):
        return f"/api/reports/{obj.pk}/"
