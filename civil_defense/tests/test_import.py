"""Roster import: the whole file is checked first; one bad row writes nothing; errors by row and column."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from core.models import Job
from core.testing import logged_in

from ..models import Member
from ..training import status_for
from .factories import make_member, make_position, make_team, national_id

HEADER = "national_id,name,position,phone,availability\n"


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post the file, run the queued job (Celery is eager in tests), then open the result page."""

    def run(client, team, content: bytes, name="roster.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("civil_defense:roster-import", args=[team.pk]), {"file": SimpleUploadedFile(name, content)}
            )
        if response.status_code != 302:
            return response
        return client.get(response["Location"])

    return run


def test_bad_row_writes_nothing_and_is_reported_by_row_and_column(users, upload):
    team = make_team()
    make_position(team, "分隊員", 10)
    good1, good2 = national_id(), national_id()
    content = f"{HEADER}{good1},王小明,分隊員,0912,available\nA123456788,李大華,分隊員,,available\n{good2},陳美,,,\n"
    response = upload(logged_in(users.county_a), team, content.encode())
    page = response.content.decode()
    assert Member.objects.count() == 0
    job = Job.objects.get(kind="civil_defense.roster")
    assert job.status == "failed"
    [error] = job.result["errors"]
    assert error["row"] == 3
    assert error["column"] == "身分證統一編號"
    assert "檢查碼" in error["message"]
    assert 'id="import-errors"' in page and ">3<" in page


def test_errors_in_english_for_an_english_user(users, upload):
    team = make_team()
    client = logged_in(users.county_a)
    client.cookies["django_language"] = "en"
    upload(client, team, f"{HEADER}{national_id()},Wang,,,sometimes\n".encode())
    job = Job.objects.get(kind="civil_defense.roster")
    [error] = job.result["errors"]
    assert error["row"] == 2 and error["column"] == "availability"
    assert "is not one of" in error["message"]


def test_good_file_imports_and_updates_existing(users, upload):
    team = make_team()
    make_position(team, "隊長", 1)
    make_position(team, "分隊員", 10)
    existing = make_member(team, name="舊名")
    content = f"{HEADER}{existing.national_id},新名,隊長,0911,limited\n{national_id()},李四,分隊員,,\n"
    upload(logged_in(users.county_a), team, content.encode())
    assert Job.objects.get(kind="civil_defense.roster").status == "succeeded"
    assert Member.objects.filter(team=team).count() == 2
    existing.refresh_from_db()
    assert existing.name == "新名" and existing.availability == "limited"


def test_duplicate_ids_in_the_file_are_refused(users, upload):
    team = make_team()
    nid = national_id()
    upload(logged_in(users.county_a), team, f"{HEADER}{nid},甲,,,\n{nid},乙,,,\n".encode())
    job = Job.objects.get(kind="civil_defense.roster")
    assert job.status == "failed" and job.result["errors"][0]["row"] == 3
    assert Member.objects.count() == 0


def test_xlsx_import(users, upload):
    team = make_team()
    make_position(team, "分隊員", 10)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["national_id", "name", "position"])
    sheet.append([national_id(), "王五", "分隊員"])
    sheet.append([national_id(), "趙六", "分隊員"])
    out = io.BytesIO()
    workbook.save(out)
    upload(logged_in(users.county_a), team, out.getvalue(), name="roster.xlsx")
    assert Member.objects.filter(team=team).count() == 2


def test_another_countys_team_cannot_be_imported_into(users, upload):
    team = make_team("TW-TPE")
    response = upload(logged_in(users.county_a), team, f"{HEADER}{national_id()},甲,,,\n".encode())
    assert response.status_code == 404
    assert Member.objects.count() == 0 and not Job.objects.exists()


def test_templates_download(users):
    """Issue 18: the template's headers are in the reader's language and it has no row that could import."""
    from openpyxl import load_workbook

    client = logged_in(users.county_a)
    csv = client.get(reverse("civil_defense:roster-template", args=["csv"]))
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines == ["身分證統一編號,姓名,職務,電話,電子郵件,可出勤狀況,專長"], lines
    book = load_workbook(io.BytesIO(client.get(reverse("civil_defense:roster-template", args=["xlsx"])).content))
    data, guide = book.worksheets
    assert [c.value for c in data[1]] == lines[0].split(",") and data.max_row == 1  # headers only
    assert guide.max_row == 8 and "A123456789" in [c.value for c in guide[2]]  # the example lives in the guide


def test_the_template_as_downloaded_imports_nothing_and_english_headers_work_too(users, upload):
    team = make_team()
    client = logged_in(users.county_a)
    template = client.get(reverse("civil_defense:roster-template", args=["xlsx"])).content
    response = upload(client, team, template, name="roster.xlsx")
    assert Member.objects.count() == 0
    assert response.status_code == 200
    make_position(team, "隊員", 20)
    english = "National ID,Name,Position\n" + f"{national_id()},王五,隊員\n"
    upload(client, team, english.encode())
    assert Member.objects.filter(team=team, position="隊員").count() == 1


def test_an_unknown_position_is_a_row_error_not_a_new_establishment_row(users, upload):
    team = make_team()
    make_position(team, "隊長", 1)
    make_position(team, "隊員", 20)
    content = f"{HEADER}{national_id()},王五,隊員,,\n{national_id()},趙六,分隊員,,\n"
    response = upload(logged_in(users.county_a), team, content.encode())
    page = response.content.decode()
    assert Member.objects.count() == 0
    [error] = Job.objects.get(kind="civil_defense.roster").result["errors"]
    assert (error["row"], error["column"]) == (3, "職務")
    assert "分隊員" in error["message"] and "隊員" in error["message"]
    # the result reads as a result: no "checking every row" left over above it
    job_box = page.split('id="import-job"', 1)[1].split("</section>", 1)[0]
    assert "未匯入任何資料" in job_box and "正在檢查" not in job_box
    # and the team page's establishment has no phantom row
    team_page = logged_in(users.county_a).get(reverse("civil_defense:team-detail", args=[team.pk])).content.decode()
    assert "分隊員" not in team_page


def test_a_newly_imported_member_has_no_training_record_not_lapsed(users, upload):
    team = make_team()
    upload(logged_in(users.county_a), team, f"{HEADER}{national_id()},王五,,,\n".encode())
    member = Member.objects.get(team=team)
    assert status_for(None) == "no_record"
    page = logged_in(users.county_a).get(reverse("civil_defense:team-detail", args=[team.pk])).content.decode()
    roster = page.split('id="roster-table"', 1)[1].split("</table>", 1)[0]
    assert "無紀錄" in roster and "已逾期" not in roster
    api = logged_in(users.county_a).get(f"/api/civil-defense/members/{member.pk}/")
    assert api.json()["training_status"] == "no_record"
    readiness = logged_in(users.county_a).get(reverse("civil_defense:readiness")).content.decode()
    assert 'class="num no-record">1<' in readiness
