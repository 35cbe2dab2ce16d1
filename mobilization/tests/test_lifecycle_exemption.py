"""Exemption (免召) and replacement (遞補) through the API: who decides, the quota kept, the shortfall recorded,
documents checked by content and served only in scope, bulk exemption of a disaster area."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import AuditEvent
from core.testing import api_client
from mobilization.models import (
    AreaExemption,
    CallUpOrder,
    DeliveryMessage,
    Exemption,
    ExemptionDocument,
    ExemptionGround,
    Gap,
    Notice,
)
from mobilization.services import exemptions

from .lifecycle_world import issued_order

pytestmark = pytest.mark.django_db
NOTICES = "/api/mobilization/notices/"
EXEMPTIONS = "/api/mobilization/exemptions/"
ORDERS = "/api/mobilization/orders/"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def binding(order):
    return Notice.objects.filter(order=order, status__in=["issued", "sent", "delivered", "acknowledged"])


def test_township_request_waits_for_the_mnd_unit_then_the_next_in_the_same_township_replaces(users):
    world = issued_order(users)
    notice = world.notice("b1")
    response = api_client(users.township).post(
        f"{NOTICES}{notice.pk}/exempt/", {"ground": "illness", "note": "住院中", "replace": True}, format="json"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested" and body["notice_status"] == notice.status and body["replacement"] is None
    assert not world.has_notice("b4")
    # A township office cannot decide; the MND unit can.
    exemption = Exemption.objects.get(pk=body["id"])
    assert api_client(users.township).post(f"{EXEMPTIONS}{exemption.pk}/approve/", {}).status_code == 403
    response = api_client(users.staff).post(f"{EXEMPTIONS}{exemption.pk}/approve/", {"comment": "同意"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "approved" and body["notice_status"] == "exempted"
    replacement = Notice.objects.get(pk=body["replacement"]["id"])
    assert replacement.reservist == world.people["b4"]  # same township first, in rank order
    assert replacement.replaces_id == notice.pk and replacement.sequence == 5
    assert replacement.number.endswith("-000005") and replacement.status == "sent"
    assert binding(world.order).count() == world.order.quota
    # The exempted person and the replacement are told.
    assert DeliveryMessage.objects.filter(notice=notice, channel="sms", body__contains=notice.number).exists()
    assert DeliveryMessage.objects.filter(notice=replacement, channel="sms").exists()
    assert AuditEvent.objects.filter(event="mobilization.exemption.requested").count() == 1
    assert AuditEvent.objects.filter(event="mobilization.exemption.approved").count() == 1
    # Public verification says the exempted notice no longer binds.
    verify = api_client().get(f"/api/verify/{notice.verification_code}/").json()
    assert verify["status"] == "exempted" and verify["binding"] is False


def test_staff_exempts_at_once_and_replacement_goes_county_then_target_then_later_then_short(users):
    world = issued_order(users)
    staff = api_client(users.staff)

    def exempt(name, replace=True):
        response = staff.post(
            f"{NOTICES}{world.notice(name).pk}/exempt/", {"ground": "abroad", "replace": replace}, format="json"
        )
        assert response.status_code == 201, response.content
        assert response.json()["status"] == "approved"
        return response.json()

    # x1 (汐止) -> x2 (汐止, same township)
    assert exempt("x1")["replacement"]["id"] == world.notice("x2").pk
    # x2 -> nobody left in 汐止; b4 is in the same county (新北市)
    assert exempt("x2")["replacement"]["id"] == world.notice("b4").pk
    # b4 -> nobody left in 新北市 but the `later` student; the county comes first, then rank: eligible before
    # later holds within a tier, so the student (板橋, later) comes before t1 (臺北, another county)
    assert exempt("b4")["replacement"]["id"] == world.notice("student").pk
    assert exempt("student")["replacement"]["id"] == world.notice("t1").pk
    body = exempt("t1")
    assert body["replacement"] is None and body["gap"] == "short"
    assert binding(world.order).count() == world.order.quota - 1
    figures = staff.get(f"{ORDERS}{world.order.pk}/yield/").json()
    assert figures["shortfall"] == 1 and figures["total"]["exempted"] == 5 and figures["total"]["replaced"] == 4
    # "no replacement": the gap is waived, nobody new is called
    before = Notice.objects.filter(order=world.order).count()
    assert exempt("b2", replace=False)["gap"] == "waived"
    assert Notice.objects.filter(order=world.order).count() == before
    # every person has at most one notice, and it binds at most once
    people = list(Notice.objects.filter(order=world.order).values_list("reservist_id", flat=True))
    assert len(people) == len(set(people))


def test_refusals_change_nothing(users):
    world = issued_order(users)
    notice = world.notice("b1")
    clerk = api_client(users.township)
    # an unknown ground, an unknown field
    assert clerk.post(f"{NOTICES}{notice.pk}/exempt/", {"ground": "nope"}, format="json").status_code == 400
    response = clerk.post(f"{NOTICES}{notice.pk}/exempt/", {"ground": "illness", "urgent": True}, format="json")
    assert response.status_code == 400 and "urgent" in response.json()
    # another county's clerk and a county official of another county: 404
    other = world.notice("x1")
    assert api_client(users.county_b).post(f"{NOTICES}{other.pk}/exempt/", {"ground": "illness"}).status_code == 404
    # no permission at all: 403
    assert api_client(users.county_a).post(f"{NOTICES}{notice.pk}/exempt/", {"ground": "illness"}).status_code == 403
    assert not Exemption.objects.exists()
    # a second standing request is refused
    assert clerk.post(f"{NOTICES}{notice.pk}/exempt/", {"ground": "illness"}, format="json").status_code == 201
    response = clerk.post(f"{NOTICES}{notice.pk}/exempt/", {"ground": "illness"}, format="json")
    assert response.status_code == 409 and response.json()["reasons"][0]["code"] == "exemption.standing"
    # refusing needs a reason, and then leaves the notice binding
    exemption = Exemption.objects.get()
    staff = api_client(users.staff)
    assert staff.post(f"{EXEMPTIONS}{exemption.pk}/refuse/", {}, format="json").status_code == 400
    response = staff.post(f"{EXEMPTIONS}{exemption.pk}/refuse/", {"comment": "證明不足"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "refused"
    notice.refresh_from_db()
    assert notice.status not in ("exempted", "withdrawn") and not Gap.objects.exists()


@pytest.mark.parametrize("storage", ["local", "s3"])
def test_documents_are_checked_by_content_and_served_only_in_scope(users, settings, storage, request):
    if storage == "s3":
        request.getfixturevalue("s3_storage")  # the same, stored in a bucket of a real S3 API
    settings.EXEMPTION_DOCUMENT_MAX_BYTES = 4096
    world = issued_order(users)
    notice = world.notice("b1")
    clerk = api_client(users.township)
    url = f"{NOTICES}{notice.pk}/exempt/"
    fake = SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = clerk.post(url, {"ground": "illness", "documents": [fake]}, format="multipart")
    assert response.status_code == 400 and response.json()["reasons"][0]["code"] == "documents.type"
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 5000, content_type="application/pdf")
    response = clerk.post(url, {"ground": "illness", "documents": [big]}, format="multipart")
    assert response.status_code == 400 and response.json()["reasons"][0]["code"] == "documents.too_large"
    assert not Exemption.objects.exists() and not ExemptionDocument.objects.exists()
    good = SimpleUploadedFile("../../etc/診斷書.pdf", PDF, content_type="text/plain")
    response = clerk.post(url, {"ground": "illness", "documents": [good]}, format="multipart")
    assert response.status_code == 201, response.content
    document = response.json()["documents"][0]
    assert document["content_type"] == "application/pdf" and ".." not in document["name"]
    stored = ExemptionDocument.objects.get()
    assert re.fullmatch(rf"exemptions/{stored.exemption_id}/[0-9a-f]{{32}}/[^/]+\.pdf", stored.file.name)
    download = api_client(users.staff).get(document["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert api_client(users.county_b).get(document["url"]).status_code == 404
    assert AuditEvent.objects.filter(event="mobilization.exemption.document_downloaded").count() == 1


def test_disaster_area_exempts_a_township_and_replaces_from_outside(users):
    world = issued_order(users)
    staff = api_client(users.staff)
    url = f"{ORDERS}{world.order.pk}/exempt-area/"
    no_reason = {"townships": ["220"], "ground": "disaster", "replace": True}
    assert staff.post(url, no_reason, format="json").status_code == 400
    response = staff.post(
        url, {"townships": ["220"], "ground": "disaster", "replace": True, "reason": "地震"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["exempted"] == 3 and response.json()["quota_after"] == 4
    assert Notice.objects.filter(order=world.order, township__code="220", status="exempted").count() == 3
    # replaced from outside 板橋: 汐止 first (same county), then 臺北; never b4 or the student (both in 板橋)
    new = set(Notice.objects.filter(order=world.order, replaces__isnull=False).values_list("reservist_id", flat=True))
    assert new == {world.people["x2"].pk, world.people["t1"].pk}
    assert Gap.objects.filter(order=world.order, status="short").count() == 1
    assert AuditEvent.objects.filter(event="mobilization.order.area_exempted").count() == 1


def test_disaster_area_can_lower_the_quota_instead(users):
    world = issued_order(users)
    response = api_client(users.staff).post(
        f"{ORDERS}{world.order.pk}/exempt-area/",
        {"townships": ["221"], "ground": "disaster", "replace": False, "reason": "颱風"},
        format="json",
    )
    assert response.status_code == 201, response.content
    world.order.refresh_from_db()
    assert world.order.quota == 3 and AreaExemption.objects.get().quota_before == 4
    assert not Notice.objects.filter(order=world.order, replaces__isnull=False).exists()
    assert binding(world.order).count() == world.order.quota


def test_an_undeliverable_notice_is_released_and_replaced(users):
    world = issued_order(users)
    notice = world.notice("b2")
    Notice.objects.filter(pk=notice.pk).update(status="undeliverable")
    response = api_client(users.staff).post(
        f"{NOTICES}{notice.pk}/release/", {"reason": "undeliverable", "note": "查無此人"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn" and response.json()["replacement"] == world.notice("b4").pk


def test_self_service_request_signature(users):
    """The self-service helper calls request_exemption with user=None for the reservist's own request."""
    world = issued_order(users)
    notice = world.notice("b1")
    exemption = exemptions.request_exemption(
        user=None, notice=notice, ground="illness", note="本人申請", documents=(), replace=True, requester_name="本人"
    )
    assert exemption.status == "requested" and exemption.requested_by_name == "本人"


def test_out_of_scope_lists_and_decisions(users):
    world = issued_order(users)
    ground = ExemptionGround.objects.get(code="illness")
    Exemption.objects.create(notice=world.notice("b1"), ground=ground, status="requested")
    assert api_client(users.county_b).get(EXEMPTIONS).json()["count"] == 0
    assert api_client(users.county_a).get(EXEMPTIONS).json()["count"] == 1
    listed = api_client(users.county_a).get(EXEMPTIONS, {"township": "220", "status": "requested"}).json()
    assert listed["count"] == 1
    assert api_client(users.county_a).get(EXEMPTIONS, {"colour": "red"}).status_code == 400
    assert CallUpOrder.objects.count() == 1


def test_people_who_turned_ineligible_are_withdrawn_and_replaced(users):
    from .helpers import grant

    world = issued_order(users)
    grant(world.people["b2"], "art29.3", world.order.report_date.replace(year=2026))  # a new Art. 29 grant
    response = api_client(users.staff).post(f"{ORDERS}{world.order.pk}/release-ineligible/", {"note": "新核定"})
    assert response.status_code == 200, response.content
    assert response.json()["ineligible"] == 1 and response.json()["moved"] == 0
    assert world.notice("b2").status == "withdrawn"
    assert world.notice("b4").replaces_id == world.notice("b2").pk
    assert binding(world.order).count() == world.order.quota
    assert api_client(users.township).post(f"{ORDERS}{world.order.pk}/release-ineligible/", {}).status_code == 403
