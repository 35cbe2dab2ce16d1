import io
import logging

import pytest
from django.urls import reverse

from core.choices import JobStatus
from core.models import Job
from core.testing import api_client, logged_in

from .. import metrics
from ..choices import ExerciseStatus
from ..models import CorrectiveAction, Exercise
from ..pdf import after_action_pdf
from .factories import county_government, make_action, make_evaluation, make_exercise, make_objective

pytestmark = pytest.mark.django_db


def _exercise_with_findings():
    exercise = make_exercise("TW-NWT", status=ExerciseStatus.EVALUATING, name="漢光演習新北市")
    evaluation = make_evaluation(make_objective(exercise), rating="M", improve="救濟站開設逾時")
    make_action(exercise, owner=county_government("TW-NWT"), evaluation=evaluation, description="更新物資清冊")
    return exercise


def test_after_action_pdf_renders_chinese_without_fonttools(caplog):
    exercise = _exercise_with_findings()
    with caplog.at_level(logging.DEBUG):
        pdf = after_action_pdf(exercise.pk)
    assert pdf.startswith(b"%PDF")
    assert "fontTools" not in caplog.text


@pytest.mark.parametrize("storage", ["local", "s3"])
def test_report_job_and_scoped_download(users, django_capture_on_commit_callbacks, storage, request):
    bucket = request.getfixturevalue("s3_storage") if storage == "s3" else None  # a real S3 API (moto)
    exercise = _exercise_with_findings()
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client(users.county_a).post(f"/api/exercises/{exercise.pk}/report/")
    assert response.status_code == 202
    job = Job.objects.get(pk=response.json()["id"])
    assert job.status == JobStatus.SUCCEEDED
    assert job.result_file
    if bucket is not None:
        assert bucket.objects() == [job.result_file.name]
    url = reverse("exercises:report-download", args=[exercise.pk, job.pk])
    # Another official of the same county may download it; another county may not.
    response = logged_in(users.county_a).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert logged_in(users.county_b).get(url).status_code == 404
    assert api_client(users.county_b).post(f"/api/exercises/{exercise.pk}/report/").status_code == 404


def test_report_from_page(users, django_capture_on_commit_callbacks):
    exercise = _exercise_with_findings()
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(users.county_a).post(reverse("exercises:report", args=[exercise.pk]))
    response = logged_in(users.county_a).get(response["Location"])
    assert response.status_code == 200
    assert "report-download" in response.content.decode()


def test_metrics_are_scoped(users):
    _exercise_with_findings()
    tpe = make_exercise("TW-TPE", status=ExerciseStatus.EVALUATING)
    make_evaluation(make_objective(tpe), rating="P")
    make_action(tpe, owner=county_government("TW-TPE"), due_in_days=-2)
    rows = {row["code"]: row for row in metrics.ratings_by_subject(users.county_a)}
    assert rows["relief-station"]["M"] == 1
    assert rows["relief-station"]["P"] == 0
    assert metrics.action_counts(users.county_a) == {"open": 1, "overdue": 0, "ownerless": 0}
    assert metrics.action_counts(users.county_b)["overdue"] == 1
    assert [r["county_code"] for r in metrics.overdue_by_county(users.staff)] == ["TW-TPE"]
    assert metrics.overdue_by_organisation(users.county_a) == []
    assert metrics.ratings_by_subject(users.nobody) == []


def test_demo_is_idempotent():
    from django.core.management import call_command

    out = io.StringIO()
    call_command("seed_demo", "--no-users", stdout=out)
    counts = (Exercise.objects.count(), CorrectiveAction.objects.count())
    call_command("seed_demo", "--no-users", stdout=out)
    assert (Exercise.objects.count(), CorrectiveAction.objects.count()) == counts
    assert counts[0] >= 2
    assert CorrectiveAction.objects.overdue().exists()
    assert {r.code for e in Exercise.objects.all() for r in e.regions.all()} >= {"TW-NWT", "TW-TPE"}
