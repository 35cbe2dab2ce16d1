import pytest
from django.urls import reverse

from core import jobs
from core.choices import JobStatus
from core.models import Job
from core.testing import api_client, logged_in

pytestmark = pytest.mark.django_db


def test_job_lifecycle_and_api(users):
    job = jobs.create_job("test", users.staff, total=10)
    with jobs.running(job.pk):
        jobs.set_progress(job.pk, done=4, message="working")
        assert Job.objects.get(pk=job.pk).progress == 40
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.progress == 100
    data = api_client(users.staff).get(f"/api/jobs/{job.pk}/").json()
    assert data["status"] == "succeeded" and data["progress"] == 100
    # another user's job is not theirs to see
    assert api_client(users.county_a).get(f"/api/jobs/{job.pk}/").status_code == 404


def test_failed_job_records_error(users):
    job = jobs.create_job("test", users.staff)
    with pytest.raises(RuntimeError), jobs.running(job.pk):
        raise RuntimeError("disk full")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "disk full"


def test_broker_down_fails_job_with_clear_message(users, django_capture_on_commit_callbacks):
    class DeadTask:
        def apply_async(self, **kw):
            raise ConnectionError("redis down")

    job = jobs.create_job("test", users.staff)
    with django_capture_on_commit_callbacks(execute=True):
        jobs.enqueue(job, DeadTask())
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "ConnectionError" in job.error


def test_job_page_has_progress_bar(users):
    job = jobs.create_job("test", users.staff, total=4)
    jobs.set_progress(job.pk, done=1)
    page = logged_in(users.staff).get(reverse("core:job-detail", args=[job.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="job-progress"' in html and 'value="25"' in html and f"/api/jobs/{job.pk}/" in html


def test_dashboard_requires_login_and_shows_scope(users, client):
    assert client.get("/").status_code == 302
    page = logged_in(users.county_a).get("/")
    assert page.status_code == 200 and "新北市" in page.content.decode()


def test_token_endpoint(users):
    response = api_client().post(
        "/api/auth/token/", {"username": "t_staff", "password": "test-Password-1234"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/regions/?level=county").status_code == 200
    bad = api_client().post("/api/auth/token/", {"username": "t_staff", "password": "wrong"}, format="json")
    assert bad.status_code == 400


def test_schema_is_openapi3(users):
    response = api_client(users.staff).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    import json

    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/regions/" in schema["paths"]
    docs = logged_in(users.staff).get("/api/docs/")
    assert docs.status_code == 200
