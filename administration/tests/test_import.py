"""Bulk provisioning on core's importer: all or nothing, errors per row."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.choices import JobStatus
from core.importing import start_import
from core.models import Job

from ..access import read_access
from ..imports import AccountImport
from ..models import Account

pytestmark = pytest.mark.django_db

HEADER = "username,full_name,email,phone,role,regions,organisation\n"


def run(user, text, capture):
    with capture(execute=True):
        job = start_import(AccountImport, user, SimpleUploadedFile("accounts.csv", text.encode()))
    return Job.objects.get(pk=job.pk)


def test_every_row_checked_and_nothing_written_on_any_error(cast, django_capture_on_commit_callbacks):
    text = HEADER + (
        "banqiao1,甲,b1@example.gov.tw,,township_office,220,\n"
        "banqiao1,乙,b2@example.gov.tw,,township_office,220,\n"
        "t_township,丙,b3@example.gov.tw,,township_office,220,\n"
        "staffx,丁,b4@example.gov.tw,,mnd_staff,,\n"
        "badmail,戊,not-an-address,,township_office,221,\n"
        "county,己,b5@example.gov.tw,,township_office,TW-NWT,\n"
    )
    job = run(cast.admin, text, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    rows = {e["row"] for e in job.result["errors"]}
    assert rows == {2, 3, 4, 5, 6, 7}
    assert not Account.objects.filter(username__in=["banqiao1", "staffx", "badmail", "county"]).exists()


def test_a_valid_file_creates_every_account(cast, django_capture_on_commit_callbacks):
    text = HEADER + "".join(
        f"office{z},{z}區公所,o{z}@example.gov.tw,,township_office,{z},\n" for z in ("220", "221", "222", "223")
    )
    job = run(cast.admin, text, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED, job.result
    assert read_access(Account.objects.get(username="office221")).regions == ("221",)
    from mobilization.models import DeliveryMessage

    assert DeliveryMessage.objects.filter(recipient__startswith="o22").count() == 4


def test_import_needs_the_permission(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start_import(AccountImport, cast.county_admin, SimpleUploadedFile("a.csv", HEADER.encode()))
