import datetime

from django.conf import settings

from config.celery import app
from reports.models import Report
from reports.services import SYSTEM_USERNAME
from reports.tasks import schedule_monthly_reports


def test_beat_schedule_has_the_monthly_reports():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-monthly-readiness"]
    assert entry["task"] == "reports.schedule_monthly_reports"
    assert entry["task"] in app.tasks
    assert app.conf.beat_schedule["reports-monthly-readiness"] is entry
    assert entry["schedule"].day_of_month == {1}


def test_the_scheduled_task_makes_national_and_county_reports_once(db):
    # The jobs' generation is tested elsewhere; here on_commit is not run, so the reports stay queued.
    assert schedule_monthly_reports() == 23
    reports = Report.objects.all()
    assert reports.count() == 23
    assert set(reports.values_list("scheduled", flat=True)) == {True}
    assert set(reports.values_list("requested_by__username", flat=True)) == {SYSTEM_USERNAME}
    assert reports.filter(scope_key="nation").count() == 1
    assert reports.filter(scope_kind="county").count() == 22
    assert {r.as_of for r in reports} == {datetime.date.today()} or len({r.as_of for r in reports}) == 1
    assert all(r.job_id for r in reports)
    assert schedule_monthly_reports() == 0  # a retried beat run adds nothing
    assert Report.objects.count() == 23


def test_a_scheduled_report_is_generated(db, registry):
    from reports.services import schedule_monthly
    from reports.tasks import generate_report

    made = schedule_monthly(as_of=datetime.date(2026, 3, 1))
    nation = next(r for r in made if r.scope_key == "nation")
    generate_report(nation.job_id, nation.pk)  # what the worker runs for the queued job
    nation.refresh_from_db()
    assert nation.status == "ready" and nation.figures["sections"]["reservists"]["callable"] == 6


def test_nationwide_dashboard_is_warmed_by_beat(db, registry):
    from django.core.cache import cache
    from django.utils import timezone

    from reports.dashboard import cache_key
    from reports.scope import ReportScope
    from reports.tasks import warm_dashboard

    assert settings.CELERY_BEAT_SCHEDULE["reports-warm-dashboard"]["task"] == "reports.warm_dashboard"
    warm_dashboard()
    figures = cache.get(cache_key(ReportScope.nation(), timezone.localdate()))
    assert figures["sections"]["reservists"]["active"] == 9
