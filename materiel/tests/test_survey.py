"""The annual capacity survey: a cycle per year, status per county, an all-or-nothing import with errors per row
and column (Chinese or English headers), submit / accept, and the change since last year."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEvent, Job
from core.testing import COUNTY_A, ScopedAPIContract, ScopedViewContract, api_client, county, logged_in

from .. import services
from ..models import CountySurvey, Resource, SurveyCycle
from .factories import make_resource

pytestmark = pytest.mark.django_db

HEADER = "kind,registration,owner_organisation,owner_national_id,owner_name,township,latitude,longitude,capacity\n"
ZH_HEADER = "類別,登記號碼,所有人機關代碼,所有人身分證號,所有人姓名,鄉鎮市區郵遞區號,緯度,經度,能量\n"


def open_year(users, year=None):
    year = year or datetime.date.today().year
    return services.open_cycle(
        user=users.staff, year=year, opens_on=datetime.date(year, 3, 1), closes_on=datetime.date(year, 6, 30)
    )


def survey_of(cycle, code=COUNTY_A):
    return CountySurvey.objects.get(cycle=cycle, county__code=code)


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    def run(client, survey, content: bytes, name="survey.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("materiel:survey-import", args=[survey.pk]), {"file": SimpleUploadedFile(name, content)}
            )
        assert response.status_code == 302, response.content[:500]
        return Job.objects.filter(kind="materiel.survey").latest("id")

    return run


class TestSurveyAPI(ScopedAPIContract):
    list_url = "/api/materiel/surveys/"

    def make_object(self, county):
        cycle, _ = SurveyCycle.objects.get_or_create(
            year=2026, defaults={"opens_on": datetime.date(2026, 3, 1), "closes_on": datetime.date(2026, 6, 30)}
        )
        return CountySurvey.objects.create(cycle=cycle, county=county)

    def detail_url(self, obj):
        return f"/api/materiel/surveys/{obj.pk}/"


class TestSurveyPage(ScopedViewContract):
    def make_object(self, county):
        return TestSurveyAPI().make_object(county)

    def url(self, obj):
        return reverse("materiel:survey-detail", args=[obj.pk])


def test_a_cycle_opens_one_survey_per_county_not_started(users):
    cycle = open_year(users)
    assert cycle.surveys.count() == 22
    assert set(cycle.surveys.values_list("status", flat=True)) == {"not_started"}
    open_year(users)  # idempotent
    assert cycle.surveys.count() == 22


def test_one_bad_row_writes_nothing_and_is_reported_by_row_and_column(users, upload):
    survey = survey_of(open_year(users))
    content = (
        ZH_HEADER
        + "truck,ABC-1001,,A123456789,王小明,220,25.01,121.46,payload_t=12\n"
        + "貨車,ABC-1002,,A123456789,王小明,220,25.01,121.46,payload_t=heavy\n"
        + "crane,CR-1,,A123456789,王小明,100,25.01,121.46,lifting_t=30\n"
    )
    job = upload(logged_in(users.county_a), survey, content.encode())
    assert job.status == "failed"
    errors = job.result["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(3, "能量"), (4, "鄉鎮市區郵遞區號")}
    assert not Resource.objects.exists()
    survey.refresh_from_db()
    assert survey.status == "not_started"


def test_good_file_upserts_by_kind_and_registration_and_starts_the_survey(users, upload):
    survey = survey_of(open_year(users))
    existing = make_resource(county(COUNTY_A), registration="ABC-1001", capacity={"payload_t": 3})
    content = (
        HEADER
        + "truck,abc-1001,,A123456789,王小明,220,25.01,121.46,payload_t=12\n"
        + "bus,BUS-9,,A123456789,王小明,220,25.02,121.47,seats=45\n"
    )
    job = upload(logged_in(users.county_a), survey, content.encode())
    assert job.status == "succeeded", job.result
    existing.refresh_from_db()
    assert existing.capacity == {"payload_t": 12.0} and existing.owner_national_id == "A123456789"
    assert Resource.objects.count() == 2
    survey.refresh_from_db()
    assert survey.status == "in_progress" and survey.imported_rows == 2
    assert AuditEvent.objects.filter(event="materiel.survey.imported", object_id=survey.pk).exists()


def test_xlsx_with_english_labels_imports(users, upload):
    from io import BytesIO

    from openpyxl import Workbook

    survey = survey_of(open_year(users))
    book = Workbook()
    sheet = book.active
    sheet.append(
        [
            "kind",
            "registration number",
            "owner national ID",
            "owner name",
            "township zipcode",
            "latitude",
            "longitude",
            "capacity",
            "condition",
        ]
    )
    sheet.append(["excavator", "EX-1", "A123456789", "王小明", "220", 25.0, 121.4, "bucket_m3=1.2", "fair"])
    out = BytesIO()
    book.save(out)
    job = upload(logged_in(users.county_a), survey, out.getvalue(), name="survey.xlsx")
    assert job.status == "succeeded", job.result
    assert Resource.objects.get().condition == "fair"


def test_another_countys_registration_is_refused(users, upload):
    make_resource(county("TW-TPE"), registration="TPE-1")
    survey = survey_of(open_year(users))
    job = upload(
        logged_in(users.county_a), survey, (HEADER + "truck,TPE-1,,A123456789,王,220,25,121.4,payload_t=1\n").encode()
    )
    assert job.status == "failed" and job.result["errors"][0]["row"] == 2
    assert Resource.objects.get().township.parent.code == "TW-TPE"


def test_submit_accept_and_change_since_last_year(users):
    last = survey_of(open_year(users, 2025))
    make_resource(county(COUNTY_A), kind="truck")
    services.SURVEY_ACTIONS["submit"].execute(users.county_a, last)
    last.refresh_from_db()
    assert last.status == "submitted" and last.snapshot == {"truck": 1}

    this = survey_of(open_year(users, 2026))
    make_resource(county(COUNTY_A), kind="truck")
    make_resource(county(COUNTY_A), kind="bulldozer")
    client = api_client(users.county_a)
    response = client.get(f"/api/materiel/surveys/{this.pk}/")
    changes = response.json()["changes"]
    assert changes["previous_year"] == 2025 and changes["total_last_year"] == 1 and changes["total_this_year"] == 3
    assert changes["changed"] == 2
    assert client.post(f"/api/materiel/surveys/{this.pk}/submit/").json()["status"] == "submitted"
    assert Resource.objects.filter(confirmed_year=2026).count() == 3
    # the county cannot accept its own survey; MND can
    assert client.post(f"/api/materiel/surveys/{this.pk}/accept/").status_code == 403
    accepted = api_client(users.staff).post(f"/api/materiel/surveys/{this.pk}/accept/", {"note": "ok"})
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert AuditEvent.objects.filter(event="materiel.survey.accepted", object_id=this.pk).count() == 1
    # another county's survey is not found
    other = survey_of(SurveyCycle.objects.get(year=2026), "TW-TPE")
    assert client.post(f"/api/materiel/surveys/{other.pk}/submit/").status_code == 404
    other.refresh_from_db()
    assert other.status == "not_started"


def test_return_needs_a_reason(users):
    survey = survey_of(open_year(users))
    services.SURVEY_ACTIONS["submit"].execute(users.county_a, survey)
    response = api_client(users.staff).post(f"/api/materiel/surveys/{survey.pk}/return/", {"note": ""})
    assert response.status_code == 400
    response = api_client(users.staff).post(f"/api/materiel/surveys/{survey.pk}/return/", {"note": "缺漏油料"})
    assert response.status_code == 200 and response.json()["status"] == "in_progress"
