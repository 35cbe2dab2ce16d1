"""An order's township batches printed into object storage (a real S3 API: moto's server on 127.0.0.1), and
served only to the township that owns each batch: streamed, or redirected to a presigned URL of a minute."""

import re
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from core.accounts import provision_user
from core.roles import Role
from core.testing import PASSWORD, logged_in
from mobilization.choices import BatchStatus
from mobilization.models import NoticeBatch

from .notice_world import approved_order

pytestmark = pytest.mark.django_db


def download(user, batch):
    return logged_in(user).get(reverse("mobilization:notice-batch-download", args=[batch.pk]))


@pytest.fixture
def xizhi():
    """The township office of 汐止區 (221): same county as 板橋區, another township."""
    return provision_user(
        "t_township_221", Role.TOWNSHIP_OFFICE, password=PASSWORD, check_password=False, regions=["221"]
    )


@pytest.fixture
def printed(users, issue, s3_storage, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    world = approved_order(users)
    assert issue(users.staff, world.order).status_code == 202
    return world


def test_an_orders_batches_are_printed_into_the_bucket(printed, s3_storage, settings):
    batches = list(NoticeBatch.objects.filter(order=printed.order).select_related("township"))
    assert sorted(b.township.code for b in batches) == ["100", "220", "221"]
    assert {b.status for b in batches} == {BatchStatus.READY}
    assert s3_storage.objects() == sorted(b.file.name for b in batches)
    for batch in batches:
        body = s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=batch.file.name)["Body"].read()
        assert body.startswith(b"%PDF-") and len(body) > 10_000
        assert batch.file.name.startswith("notices/") and batch.file.name.endswith(
            f"/order-{printed.order.pk}-{batch.township.code}-part1.pdf"
        )
        assert re.fullmatch(r"[0-9a-f]{32}", batch.file.name.split("/")[1])  # random: not from the order or notice
    assert not settings.MEDIA_ROOT.exists() or not list(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_each_township_downloads_its_own_batch_and_never_anothers(printed, users, xizhi):
    banqiao = NoticeBatch.objects.get(order=printed.order, township__code="220")
    own = NoticeBatch.objects.get(order=printed.order, township__code="221")
    response = download(users.township, banqiao)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    body = b"".join(response.streaming_content)
    assert body.startswith(b"%PDF-") and len(body) == int(response["Content-Length"])
    assert f'filename="order-{printed.order.pk}-220-part1.pdf"' in response["Content-Disposition"]
    assert download(users.township, own).status_code == 404
    assert download(xizhi, banqiao).status_code == 404
    assert download(xizhi, own).status_code == 200
    assert download(users.county_b, banqiao).status_code == 404  # 臺北市 does not see 新北市's batches


def test_redirect_mode_hands_a_presigned_url_of_a_minute_after_the_scope_check(printed, users, xizhi, settings):
    settings.DOWNLOAD_MODE = "redirect"
    banqiao = NoticeBatch.objects.get(order=printed.order, township__code="220")
    assert download(xizhi, banqiao).status_code == 404  # the scope check comes first: no URL at all
    response = download(users.township, banqiao)
    assert response.status_code == 302 and response["Cache-Control"] == "no-store"
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert int(query["X-Amz-Expires"][0]) <= 60 and query["X-Amz-Signature"]
    with urllib.request.urlopen(location, timeout=10) as fetched:
        assert fetched.read().startswith(b"%PDF-")
        assert f"order-{printed.order.pk}-220-part1.pdf" in fetched.headers["Content-Disposition"]


def test_the_file_delivery_backend_writes_one_object_per_message_to_the_storage(s3_storage, settings, tmp_path):
    import json

    from mobilization.services.delivery import FileBackend, OutgoingMessage

    settings.MEDIA_ROOT = tmp_path
    FileBackend().send(
        [
            OutgoingMessage(channel="sms", recipient="0912345678", body="召集通知"),
            OutgoingMessage(channel="sms", recipient="0922333444", body="召集通知"),
            OutgoingMessage(channel="email", recipient="a@example.tw", body="召集", subject="通知"),
        ]
    )
    keys = s3_storage.objects()
    assert len(keys) == 3 and sum(k.startswith("outbox/sms/") for k in keys) == 2
    bodies = [json.loads(s3_storage.client.get_object(Bucket=s3_storage.bucket, Key=k)["Body"].read()) for k in keys]
    assert {b["recipient"] for b in bodies} == {"0912345678", "0922333444", "a@example.tw"}
    assert all(b["at"] for b in bodies)
    assert list(tmp_path.iterdir()) == []  # nothing appended under MEDIA_ROOT
