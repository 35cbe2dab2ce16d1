"""File storage: chosen by environment, private, unguessable keys, and one download path behind the scope check.

The S3 tests run against a real S3 API (moto's standalone server on 127.0.0.1, core.testing_s3)."""

import re
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import RequestFactory

from config import storage as storage_config
from core import downloads
from core.models import Job
from core.testing_s3 import storage_env

ROOT = Path(__file__).resolve().parents[2]
HEX32 = re.compile(r"/[0-9a-f]{32}(/|$)")


# ----- settings --------------------------------------------------------------------------------------


def test_local_filesystem_by_default():
    assert storage_config.default_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert storage_config.download_mode({}) == "stream"
    assert storage_config.presigned_seconds({}) == 60


def test_s3_is_private_signed_and_short_lived():
    entry = storage_config.default_storage(storage_env("http://127.0.0.1:9", "b", S3_PRESIGNED_SECONDS="30"))
    assert entry["BACKEND"] == "storages.backends.s3.S3Storage"
    options = entry["OPTIONS"]
    assert options["default_acl"] is None  # never public-read: the bucket's private default applies
    assert options["querystring_auth"] is True and options["querystring_expire"] == 30
    assert options["region_name"] == "us-east-1" and options["bucket_name"] == "b"


@pytest.mark.parametrize(
    "env",
    [
        {"STORAGE_BACKEND": "nfs"},
        {"STORAGE_BACKEND": "s3"},  # no bucket, no keys
        {"S3_PRESIGNED_SECONDS": "61"},
        {"S3_PRESIGNED_SECONDS": "0"},
        {"S3_PRESIGNED_SECONDS": "soon"},
        {"DOWNLOAD_MODE": "public"},
    ],
)
def test_bad_storage_settings_are_refused(env):
    with pytest.raises(ImproperlyConfigured):
        storage_config.default_storage(env)
        storage_config.presigned_seconds(env)
        storage_config.download_mode(env)


# ----- no path under MEDIA_ROOT ----------------------------------------------------------------------

OPENS_MEDIA_ROOT = re.compile(r"MEDIA_ROOT|\.path\(|\bfile\.path\b|default_storage\.path")


def test_no_code_opens_a_path_under_media_root():
    """Every generated or uploaded file goes through the storage API: no app code names MEDIA_ROOT or asks a
    storage for a local path (an object store has none). Settings, tests and the test harnesses are exempt."""
    skipped_dirs = {".venv", "tests", "migrations", "node_modules", ".run", "media", "staticfiles", "bench"}
    skipped_files = {"settings.py", "test_settings.py", "testing_workers.py", "testing_s3.py", "conftest.py"}
    offenders = []
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if set(relative.parts[:-1]) & skipped_dirs or path.name in skipped_files or path.name.startswith("test_"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if OPENS_MEDIA_ROOT.search(code) and "request.path" not in code and "c.path" not in code:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == []


def test_stored_files_are_served_only_by_the_download_helper():
    """One download path (core.downloads.serve): no view opens a stored file into its own FileResponse."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if not {".venv", "tests", "bench"} & set(path.relative_to(ROOT).parts[:-1])
        and path.relative_to(ROOT) != Path("core/downloads.py")
        and "FileResponse(" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_source_check_catches_a_direct_open():
    assert OPENS_MEDIA_ROOT.search('open(Path(settings.MEDIA_ROOT) / "outbox")')
    assert OPENS_MEDIA_ROOT.search("with open(batch.file.path) as fh:")


# ----- keys --------------------------------------------------------------------------------------------


def test_every_file_field_has_a_random_key():
    from django.apps import apps
    from django.db import models

    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, models.FileField)
    ]
    assert len(fields) >= 5
    for field in fields:
        instance = field.model()
        first = field.generate_filename(instance, "order-7-220-part1.pdf")
        second = field.generate_filename(instance, "order-7-220-part1.pdf")
        assert first != second, field
        assert HEX32.search(first), (field, first)


# ----- against a real S3 API ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_save_open_delete_in_the_bucket(s3_storage, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    key = default_storage.save("jobs/test/a.pdf", ContentFile(b"%PDF-1.7 body"))
    assert s3_storage.objects() == [key]
    with default_storage.open(key, "rb") as fh:
        assert fh.read() == b"%PDF-1.7 body"
    assert default_storage.exists(key) and default_storage.size(key) == len(b"%PDF-1.7 body")
    default_storage.delete(key)
    assert s3_storage.objects() == [] and not default_storage.exists(key)
    assert list(tmp_path.iterdir()) == []  # nothing on the local disk


@pytest.mark.django_db
def test_a_file_field_writes_an_unguessable_key_to_the_bucket(s3_storage):
    job = Job.objects.create(kind="test")
    job.result_file.save("after-action-7.pdf", ContentFile(b"%PDF-1.7"), save=True)
    assert HEX32.search(job.result_file.name) and job.result_file.name.endswith("/after-action-7.pdf")
    assert s3_storage.objects() == [job.result_file.name]


@pytest.mark.django_db
def test_the_bucket_is_not_public_and_a_presigned_url_expires_within_a_minute(s3_storage):
    key = default_storage.save("notices/x/batch.pdf", ContentFile(b"%PDF-1.7 secret"))
    plain = f"{s3_storage.env['S3_ENDPOINT_URL']}/{s3_storage.bucket}/{key}"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(plain, timeout=10)
    assert refused.value.code == 403  # no anonymous read
    grants = s3_storage.client.get_object_acl(Bucket=s3_storage.bucket, Key=key)["Grants"]
    assert not [g for g in grants if "AllUsers" in g["Grantee"].get("URI", "")]
    assert not [g for g in grants if "AuthenticatedUsers" in g["Grantee"].get("URI", "")]
    bucket_grants = s3_storage.client.get_bucket_acl(Bucket=s3_storage.bucket)["Grants"]
    assert not [g for g in bucket_grants if "Users" in g["Grantee"].get("URI", "")]  # neither All nor Authenticated

    url = downloads.presigned_url(default_storage, key, "batch.pdf")
    query = parse_qs(urlsplit(url).query)
    assert int(query["X-Amz-Expires"][0]) <= 60
    signed_at = time.mktime(time.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ")) - time.timezone
    assert abs(signed_at - time.time()) < 30
    assert query["X-Amz-Signature"][0]
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.read() == b"%PDF-1.7 secret"
        assert 'filename="batch.pdf"' in response.headers["Content-Disposition"]


@pytest.mark.django_db
def test_serve_streams_from_the_bucket_or_redirects_to_a_presigned_url(s3_storage, settings):
    job = Job.objects.create(kind="test")
    job.result_file.save("report.pdf", ContentFile(b"%PDF-1.7 " + b"x" * 100_000), save=True)
    request = RequestFactory().get("/")
    streamed = downloads.serve(request, job.result_file)
    assert streamed.status_code == 200 and streamed["Cache-Control"] == "no-store"
    assert streamed["Content-Length"] == "100009" and streamed["Content-Type"] == "application/pdf"
    assert streamed["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert b"".join(streamed.streaming_content) == b"%PDF-1.7 " + b"x" * 100_000

    settings.DOWNLOAD_MODE = "redirect"
    redirected = downloads.serve(request, job.result_file)
    assert redirected.status_code == 302 and redirected["Cache-Control"] == "no-store"
    location = redirected["Location"]
    assert location.startswith(s3_storage.env["S3_ENDPOINT_URL"]) and "X-Amz-Signature=" in location
    assert int(parse_qs(urlsplit(location).query)["X-Amz-Expires"][0]) <= 60
    with urllib.request.urlopen(location, timeout=10) as response:
        assert response.read().startswith(b"%PDF-1.7 xxx")


@pytest.mark.django_db
def test_serve_answers_404_for_a_missing_file(s3_storage):
    from django.http import Http404

    job = Job.objects.create(kind="test")
    with pytest.raises(Http404):
        downloads.serve(RequestFactory().get("/"), job.result_file)
    job.result_file.name = "jobs/gone/none.pdf"
    with pytest.raises(Http404):
        downloads.serve(RequestFactory().get("/"), job.result_file)


@pytest.mark.django_db
def test_serve_streams_from_the_local_disk_even_in_redirect_mode(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DOWNLOAD_MODE = "redirect"  # the filesystem has no presigned URLs
    job = Job.objects.create(kind="test")
    job.result_file.save("r.pdf", ContentFile(b"%PDF-local"), save=True)
    response = downloads.serve(RequestFactory().get("/"), job.result_file)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-local"
    assert list(tmp_path.rglob("*.pdf"))  # it really was on the local disk
