from django.urls import reverse

from core.testing import ScopedViewContract, logged_in
from reports.models import Report

from .conftest import AS_OF, quick_report


class TestReportDetailPage(ScopedViewContract):
    allowed = "county_a"

    def make_object(self, county):
        return quick_report(county.code, as_of=AS_OF)

    def url(self, obj):
        return reverse("reports:detail", args=[obj.pk])


def test_request_form_makes_a_new_report(users, registry, django_capture_on_commit_callbacks):
    client = logged_in(users.county_a)
    page = client.get(reverse("reports:list"))
    assert [value for value, _label in page.context["form"].fields["scope"].choices] == ["TW-NWT"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request"), {"scope": "TW-NWT", "as_of": AS_OF.isoformat(), "language": "zh-hant"}
        )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    body = detail.content.decode()
    assert "<svg" in body and reverse("reports:pdf", args=[report.pk]) in body


def test_request_form_refuses_a_foreign_scope(users):
    response = logged_in(users.county_a).post(
        reverse("reports:request"), {"scope": "TW-TPE", "as_of": AS_OF.isoformat(), "language": "zh-hant"}
    )
    assert response.status_code == 302
    assert not Report.objects.exists()


def test_dashboards_per_role_show_their_own_scope(users, registry, django_assert_max_num_queries):
    county = logged_in(users.county_a).get(reverse("reports:dashboard"))
    assert county.status_code == 200
    assert county.context["scope_label"] == "新北市"
    reservists = county.context["figures"]["sections"]["reservists"]
    # Counted live (today, not the fixture's date): NWT has 6 active reservists, TPE's 3 are not counted.
    assert reservists["active"] == 6
    nation = logged_in(users.auditor).get(reverse("reports:dashboard"))
    assert nation.context["figures"]["sections"]["reservists"]["active"] == 9
    agency = logged_in(users.agency).get(reverse("reports:dashboard"))
    assert agency.context["figures"]["sections"]["reservists"]["reason"] == "not_applicable"
    home = logged_in(users.township).get(reverse("dashboard"))
    assert home.status_code == 200
    assert any(p.title for p in home.context["panels"] if p.order == 5)
    client = logged_in(users.county_a)
    client.get(reverse("reports:dashboard"))
    with django_assert_max_num_queries(15):  # cached figures: only session, permissions, scope, latest report
        assert client.get(reverse("reports:dashboard")).status_code == 200
    assert logged_in(users.nobody).get(reverse("reports:dashboard")).status_code == 403


def test_a_report_being_generated_shows_its_progress_and_has_no_download(users):
    from core.jobs import create_job

    job = create_job("readiness_report", users.county_a, total=7)
    report = quick_report("TW-NWT", job=job)
    client = logged_in(users.county_a)
    body = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert f'data-job-url="/api/jobs/{job.pk}/"' in body and "progress" in body
    assert reverse("reports:pdf", args=[report.pk]) not in body
    assert client.get(reverse("reports:pdf", args=[report.pk])).status_code == 404


def test_a_failed_generation_marks_the_report_and_the_job(
    users, registry, monkeypatch, django_capture_on_commit_callbacks
):
    from core.testing import api_client

    def broken(*args, **kwargs):
        raise RuntimeError("renderer unavailable")

    monkeypatch.setattr("reports.generate.render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):  # the eager task's error is recorded on the job
        api_client(users.county_a).post("/api/reports/", {"scope": "TW-NWT", "as_of": "2026-03-01"}, format="json")
    report = Report.objects.select_related("job").get()
    assert report.status == "failed" and not report.pdf
    assert report.job.status == "failed" and "renderer unavailable" in report.job.error


def test_stale_dashboard_figures_are_shown_while_recomputed(users, registry):
    import copy

    from django.core.cache import cache
    from django.utils import timezone

    from reports.dashboard import cache_key, live_figures

    scope, figures = live_figures(users.county_a)
    assert figures["sections"]["reservists"]["active"] == 6
    stale = copy.deepcopy(figures)
    stale["computed_at"] = 0
    stale["sections"]["reservists"]["active"] = 999
    key = cache_key(scope, timezone.localdate())
    cache.set(key, stale)
    _scope, shown = live_figures(users.county_a)
    assert shown["sections"]["reservists"]["active"] == 999  # served at once, not waited for
    assert cache.get(key)["sections"]["reservists"]["active"] == 6  # the refresh task (eager here) replaced it
