"""The generic import framework, on a toy import kind that upserts organisations by code."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from core import importing
from core.choices import JobStatus, OrganisationKind
from core.importing import Column, Importer, RowError, choice_parser, copy_rows, parse_date, parse_int
from core.models import AuditEvent, Organisation, Region

pytestmark = pytest.mark.django_db


class OrganisationImport(Importer):
    kind = "test.organisations"
    permission = "core.add_organisation"
    columns = [
        Column("code", "code", max_length=50, example="org-1"),
        Column("name", "name", max_length=200, example="某機關"),
        Column("kind", "kind", parse=choice_parser(OrganisationKind), example="agency"),
        Column("region", "region", example="TW-NWT"),
        Column("founded", "founded", parse=parse_date, required=False, default=None),
        Column("staff", "staff", parse=parse_int, required=False, default=0),
    ]

    def __init__(self, user=None, params=None):
        super().__init__(user, params)
        self.regions = dict(Region.objects.values_list("code", "id"))

    def validate_row(self, values):
        values["region_id"] = self.regions.get(values["region"])
        if values["region_id"] is None:
            raise ValidationError({"region": "unknown region"})
        return values

    def validate_all(self, rows):
        seen = set()
        for row in rows:
            if row.values["code"] in seen:
                yield RowError(row.number, "code", "duplicate")
            seen.add(row.values["code"])

    def write(self, cursor, rows):
        fields = ["code", "name", "kind", "region_id"]
        importing.temp_table_like(cursor, "tmp_org", "core_organisation", fields)
        copy_rows(cursor, "tmp_org", fields, ([r.values[f] for f in fields] for r in rows))
        cursor.execute(
            "INSERT INTO core_organisation (code, name, name_en, kind, region_id) "
            "SELECT code, name, '', kind, region_id FROM tmp_org "
            "ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, "
            "region_id = EXCLUDED.region_id"
        )
        return cursor.rowcount


def csv_bytes(*lines, encoding="utf-8"):
    return ("\n".join(lines) + "\n").encode(encoding)


@pytest.fixture
def run_job(users, django_capture_on_commit_callbacks):
    def _run(content, name="orgs.csv", user=None):
        with django_capture_on_commit_callbacks(execute=True):
            job = importing.start_import(OrganisationImport, user or users.admin, SimpleUploadedFile(name, content))
        job.refresh_from_db()
        return job

    return _run


def test_valid_file_upserts_in_one_go_and_is_audited(users, run_job):
    Organisation.objects.create(code="org-a", name="old", kind="agency", region=Region.objects.get(code="TW-TPE"))
    job = run_job(csv_bytes("code,name,kind,region", "org-a,新名,agency,TW-NWT", "org-b,乙,enterprise,220"))
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert job.result["rows"] == 2 and job.progress == 100
    assert Organisation.objects.get(code="org-a").name == "新名"
    assert Organisation.objects.get(code="org-b").region.code == "220"
    event = AuditEvent.objects.filter(table_name="core_organisation", action="create").latest("id")
    assert event.username == users.admin.username and "test.organisations" in event.message


def test_every_row_is_checked_and_nothing_written_on_any_error(users, run_job):
    job = run_job(
        csv_bytes(
            "code,name,kind,region,founded,staff",
            "org-1,甲,agency,TW-NWT,2020-01-01,3",
            "org-2,,agency,TW-NWT,,",  # row 3: name required
            "org-3,丙,spaceship,TW-XXX,2020-13-01,many",  # row 4: kind, date, number (region skipped)
            "org-4,丁,agency,TW-XXX,,",  # row 5: cross-field check
        )
    )
    assert job.status == JobStatus.FAILED
    errors = [(e["row"], e["column"]) for e in job.result["errors"]]
    assert errors == [(3, "name"), (4, "kind"), (4, "founded"), (4, "staff"), (5, "region")]
    assert job.result["error_count"] == 5
    assert not Organisation.objects.filter(code__startswith="org-").exists()


def test_duplicates_are_found_across_rows(users, run_job):
    job = run_job(csv_bytes("code,name,kind,region", "org-1,甲,agency,220", "org-1,乙,agency,220"))
    assert job.status == JobStatus.FAILED and job.result["errors"] == [
        {"row": 3, "column": "code", "message": "duplicate"}
    ]


def test_missing_required_columns_and_empty_files(users, run_job):
    job = run_job(csv_bytes("code,name", "org-1,甲"))
    assert job.status == JobStatus.FAILED and "kind" in job.result["errors"][0]["message"]
    assert run_job(b"").status == JobStatus.FAILED


def test_encodings_and_blank_lines(users, run_job):
    for encoding in ("utf-8", "utf-8-sig", "big5"):
        job = run_job(csv_bytes("code,name,kind,region", "", f"org-{encoding},臺灣機關,agency,220", encoding=encoding))
        assert job.status == JobStatus.SUCCEEDED, (encoding, job.result)
        assert Organisation.objects.get(code=f"org-{encoding}").name == "臺灣機關"


def test_xlsx(users, run_job):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["code", "name", "kind", "region", "staff"])
    sheet.append(["org-x", "試算表", "agency", 220, 12.0])
    out = io.BytesIO()
    workbook.save(out)
    job = run_job(out.getvalue(), name="orgs.xlsx")
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert run_job(b"PK\x03\x04broken", name="orgs.xlsx").status == JobStatus.FAILED


def test_permission_is_checked_before_the_job(users):
    with pytest.raises(importing.PermissionDenied):
        importing.start_import(OrganisationImport, users.county_a, SimpleUploadedFile("a.csv", b"code\n"))


def test_parsers():
    import datetime

    assert parse_date("2026-03-01") == datetime.date(2026, 3, 1)
    assert parse_date("2026/3/1") == datetime.date(2026, 3, 1)
    assert parse_date("115/03/01") == datetime.date(2026, 3, 1)
    assert parse_date("民國115年3月1日") == datetime.date(2026, 3, 1)
    with pytest.raises(ValidationError):
        parse_date("2026-02-30")
    assert parse_int("14") == 14 and parse_int("14.0") == 14
    assert choice_parser(OrganisationKind)("Agency") == "agency"


def test_template_files():
    response = importing.template_response(OrganisationImport, "csv")
    # headers in the reader's language, and no example row that could be imported (issue 18)
    assert response.content.decode("utf-8-sig").splitlines() == [
        ",".join(importing.template_headers(OrganisationImport))
    ]
    assert importing.template_response(OrganisationImport, "xlsx").content[:2] == b"PK"
