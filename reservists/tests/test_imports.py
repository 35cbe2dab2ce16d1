import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.choices import JobStatus
from core.models import AuditEvent, Job
from core.testing import county, logged_in
from reservists.models import Reservist, ServiceRecord

from .factories import make_reservist, national_id

pytestmark = pytest.mark.django_db

HEADER = "national_id,name,birth_date,category,branch,rank,specialty,retirement_date,township,status\n"


def row(nid, name="王大明", birth="1990-01-02", retirement="2012-03-04", township="220", branch="army"):
    return f"{nid},{name},{birth},reservist,{branch},上兵,11A1,{retirement},{township},active\n"


def upload(client, content: bytes, name="people.csv", kind="reservists"):
    response = client.post(
        reverse("reservists:import"), {"kind": kind, "file": SimpleUploadedFile(name, content)}, follow=False
    )
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("reservists:import-job", args=[job.pk])
    return job


def test_valid_csv_imports_and_upserts_by_national_id(users, django_capture_on_commit_callbacks):
    existing = make_reservist(county("TW-NWT"), name="舊名字")
    new_id = national_id("F")
    content = (HEADER + row(existing.national_id, name="新名字") + row(new_id, township="221")).encode()
    client = logged_in(users.staff)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, content)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, (job.error, job.result)
    existing.refresh_from_db()
    assert existing.name == "新名字"
    assert Reservist.objects.get(national_id=new_id).township.code == "221"
    # the audit triggers saw the COPY-based writes, attributed to the importer
    assert AuditEvent.objects.filter(
        table_name="reservists_reservist", action="create", username=users.staff.username
    ).exists()
    page = client.get(reverse("reservists:import-job", args=[job.pk]))
    assert page.status_code == 200


def test_any_bad_row_writes_nothing_and_names_row_and_column(users, django_capture_on_commit_callbacks, settings):
    good = national_id("F")
    content = (
        HEADER
        + row(good)
        + row("A123456788")  # row 3: bad check digit
        + row(national_id("F"), birth="2000-01-01", retirement="1999-01-01")  # row 4: retirement before birth
        + row(national_id("F"), township="999")  # row 5: no such township
        + row(national_id("F"), branch="space")  # row 6: unknown branch
        + row(good)  # row 7: duplicate of row 2
    ).encode()
    client = logged_in(users.staff)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, content)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    errors = {(e["row"], e["column"]) for e in job.result["errors"]}
    assert {3, 4, 5, 6} <= {r for r, _ in errors}
    messages = " ".join(e["message"] for e in job.result["errors"])
    assert "檢查碼" in messages  # in the user's language (zh-Hant by default)
    assert not Reservist.objects.exists()
    page = client.get(reverse("reservists:import-job", args=[job.pk])).content.decode()
    assert "import-errors" in page


def test_error_messages_in_english_for_english_users(users, django_capture_on_commit_callbacks):
    content = (HEADER + row("A123456788")).encode()
    client = logged_in(users.staff)
    client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, content)
    job.refresh_from_db()
    assert job.result["errors"][0]["row"] == 2
    assert job.result["errors"][0]["column"] == "national ID"
    assert "check digit" in job.result["errors"][0]["message"]


def test_xlsx_import(users, django_capture_on_commit_callbacks):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.strip().split(","))
    nid = national_id("F")
    sheet.append([nid, "林小華", "1991-05-06", "reservist", "air_force", "", "", "2013-07-08", 220, "active"])
    sheet.append(["F12345678", "錯誤", "1991-05-06", "reservist", "army", "", "", "2013-07-08", 220, "active"])
    out = io.BytesIO()
    workbook.save(out)
    client = logged_in(users.staff)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, out.getvalue(), name="people.xlsx")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and [e["row"] for e in job.result["errors"]] == [3]
    assert not Reservist.objects.exists()
    workbook.active.delete_rows(3)
    out = io.BytesIO()
    workbook.save(out)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, out.getvalue(), name="people.xlsx")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert Reservist.objects.get(national_id=nid).branch == "air_force"


def test_county_user_cannot_import_outside_scope(users, django_capture_on_commit_callbacks):
    # local government has no add permission at all
    assert logged_in(users.county_a).get(reverse("reservists:import")).status_code == 403


def test_service_record_import(users, django_capture_on_commit_callbacks):
    person = make_reservist(county("TW-NWT"))
    content = (
        "national_id,mobilization_type,start_date,days\n"
        f"{person.national_id},educational,2022-03-01,14\n"
        f"{person.national_id},roll_call,111/09/01,1\n"
    ).encode()
    client = logged_in(users.staff)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, content, name="service.csv", kind="service_records")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.result
    records = ServiceRecord.objects.filter(reservist=person).order_by("start_date")
    assert [(r.mobilization_type, str(r.start_date), r.days, r.source) for r in records] == [
        ("educational", "2022-03-01", 14, "imported"),
        ("roll_call", "2022-09-01", 1, "imported"),
    ]
    # re-importing corrects, never duplicates; an unknown person fails the whole file
    content = (
        "national_id,mobilization_type,start_date,days\n"
        f"{person.national_id},educational,2022-03-01,10\n"
        f"{national_id('F')},duty,2022-03-01,3\n"
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, content, name="service.csv", kind="service_records")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.result["errors"][0]["row"] == 3
    assert ServiceRecord.objects.get(reservist=person, mobilization_type="educational").days == 14


def test_big5_csv_with_chinese_headers(users, django_capture_on_commit_callbacks):
    person = make_reservist(county("TW-NWT"))
    content = (f"身分證統一編號,召集種類,開始日期,日數\n{person.national_id},教育召集,2021-05-01,7\n").encode("big5")
    client = logged_in(users.staff)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, content, name="舊系統.csv", kind="service_records")
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, (job.error, job.result)
    assert ServiceRecord.objects.get(reservist=person).days == 7


def test_templates_download(users):
    client = logged_in(users.staff)
    csv_template = client.get(reverse("reservists:import-template", args=["reservists", "csv"]))
    assert csv_template.status_code == 200
    assert csv_template.content.decode("utf-8-sig").startswith("身分證統一編號,")  # headers in Chinese
    xlsx = client.get(reverse("reservists:import-template", args=["service_records", "xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert (
        logged_in(users.county_a).get(reverse("reservists:import-template", args=["reservists", "csv"])).status_code
        == 403
    )


def test_regional_staff_imports_only_within_their_area(users, django_capture_on_commit_callbacks):
    from core.accounts import provision_user

    regional = provision_user("t_staff_nwt", "mnd_staff", regions=["TW-NWT"], password=None)
    elsewhere = make_reservist(county("TW-TPE"), name="臺北人")
    content = (HEADER + row(national_id("F"), township="100") + row(elsewhere.national_id, township="220")).encode()
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(logged_in(regional), content)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert sorted((e["row"], e["column"]) for e in job.result["errors"]) == [
        (2, "戶籍鄉鎮市區"),
        (3, "身分證統一編號"),
    ]
    elsewhere.refresh_from_db()
    assert elsewhere.township.code != "220" and Reservist.objects.count() == 1
