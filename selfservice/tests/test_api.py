"""The self-service API: only the person's own call-ups and notices (anyone else's id is 404), acknowledge,
Art. 31 postponement on the township office's workflow (a 4-day request refused citing Art. 31), exemption on
the lifecycle's workflow, documents checked by content and served only to the person and to staff in scope,
contact changes with a confirmation code, and the national ID masked everywhere."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.models import AuditEvent
from core.testing import logged_in
from mobilization.models import DeliveryMessage, Exemption, Notice, Postponement
from mobilization.tests.test_notice_pages import make_order
from reservists.models import Reservist, ServiceRecord
from selfservice.callup import notice_steps as notice_actions
from selfservice.models import ContactChange, Document

from .helpers import PDF, last_code, person_with_notice, sign_in

pytestmark = pytest.mark.django_db


def pdf_upload(name="doctor.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_upload(name="photo.png"):
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def world(db):
    order = make_order()
    me, mine = person_with_notice(order)
    other, theirs = person_with_notice(order, phone="0933000111")
    return {"order": order, "me": me, "mine": mine, "other": other, "theirs": theirs}


def test_call_ups_show_only_mine_with_both_calendars_and_the_masked_id(api, world):
    me = world["me"]
    ServiceRecord.objects.create(
        reservist=me, mobilization_type="educational", start_date=datetime.date(2022, 3, 1), days=5
    )
    ServiceRecord.objects.create(
        reservist=me, mobilization_type="educational", start_date=datetime.date(2024, 3, 1), days=5
    )
    sign_in(api, me)
    response = api.get("/api/my/call-ups/")
    assert response.status_code == 200
    body = response.json()
    assert [c["id"] for c in body["upcoming"]] == [world["mine"].pk]
    call = body["upcoming"][0]
    assert call["report_date"] == "2027-03-15" and call["report_date_roc"] == "民國116年3月15日"
    assert call["assembly_point"] == "板橋營區" and call["revision"] == 1 and call["status"] == "sent"
    assert body["person"]["national_id"] == me.masked_national_id
    assert me.national_id not in response.content.decode()
    until = f"民國{me.retirement_date.year + 8 - 1911}年{me.retirement_date.month}月{me.retirement_date.day}日"
    assert any(
        "已參加 2 次" in line and "第27條" in line and "4次" in line and until in line
        for line in body["service_record"]
    )
    assert api.get("/api/my/call-ups/", {"page": 2}).status_code == 400  # parameters it does not understand


def test_someone_elses_notice_is_404_everywhere(api, world):
    sign_in(api, world["me"])
    theirs = world["theirs"].pk
    assert api.get(f"/api/my/notices/{theirs}/pdf/").status_code == 404
    assert api.post(f"/api/my/notices/{theirs}/acknowledge/", {}, format="json").status_code == 404
    assert api.post(f"/api/my/notices/{theirs}/postpone/", {"days": 2}, format="json").status_code == 404
    assert api.post(f"/api/my/notices/{theirs}/exempt/", {}, format="json").status_code == 404
    assert Notice.objects.get(pk=theirs).status == "sent"
    assert not Postponement.objects.exists()


def test_anonymous_gets_401(api, world):
    for url in (
        "/api/my/call-ups/",
        "/api/my/requests/",
        "/api/my/contact/",
        f"/api/my/notices/{world['mine'].pk}/pdf/",
    ):
        assert api.get(url).status_code == 401


def test_my_notice_pdf_and_acknowledge(api, world):
    sign_in(api, world["me"])
    mine = world["mine"]
    response = api.get(f"/api/my/notices/{mine.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = api.post(f"/api/my/notices/{mine.pk}/acknowledge/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "acknowledged"
    assert mine.events.filter(event="acknowledged").exists()
    event = AuditEvent.objects.get(event="selfservice.notice.acknowledged")
    assert event.object_id == mine.pk and event.username.startswith("selfservice:")
    assert AuditEvent.objects.filter(event="selfservice.notice.pdf_viewed", object_id=mine.pk).exists()


def test_two_day_postponement_with_a_document_goes_to_the_township_worklist(api, world, users):
    sign_in(api, world["me"])
    mine = world["mine"]
    response = api.post(
        f"/api/my/notices/{mine.pk}/postpone/",
        {"days": 2, "kind": "illness", "reason": "住院開刀", "documents": [pdf_upload(), png_upload()]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "requested" and body["days"] == 2 and len(body["documents"]) == 2
    postponement = Postponement.objects.get()
    assert postponement.requested_by is None and postponement.notice == mine
    assert Document.objects.filter(postponement=postponement).count() == 2
    document = Document.objects.first()
    assert document.content_type == "application/pdf" and "doctor" not in document.file.name
    # The township clerk sees it in the postponement worklist of their area.
    client = logged_in(users.township)
    assert client.get("/mobilization/postponements/").content.decode().count(mine.number) >= 1
    # The document: to the person, and to staff whose scope covers them; nobody else.
    assert api.get(f"/api/my/documents/postponement/{document.pk}/").status_code == 200
    assert client.get(f"/selfservice/documents/{document.pk}/").status_code == 200
    assert logged_in(users.county_b).get(f"/selfservice/documents/{document.pk}/").status_code == 404
    other_api = type(api)()
    sign_in(other_api, world["other"])
    assert other_api.get(f"/api/my/documents/postponement/{document.pk}/").status_code == 404
    # The decision arrives: the requests list shows it, the notice is reissued to the person's phone.
    notice_actions.decide_postponement(user=users.staff, postponement=postponement, approve=True)
    row = api.get("/api/my/requests/").json()["results"][0]
    assert row["status"] == "approved"
    call = api.get("/api/my/call-ups/").json()["upcoming"][0]
    assert call["report_date"] == "2027-03-17" and call["revision"] == 2
    assert DeliveryMessage.objects.filter(recipient=world["me"].phone, notice=mine).exists()


def test_four_day_postponement_is_refused_citing_article_31_and_changes_nothing(api, world):
    sign_in(api, world["me"])
    mine = world["mine"]
    response = api.post(
        f"/api/my/notices/{mine.pk}/postpone/",
        {"days": 4, "kind": "illness", "reason": "住院", "documents": [pdf_upload()]},
        format="multipart",
    )
    assert response.status_code == 400
    reasons = response.json()["reasons"]
    assert any(r["article"] == "31" and r["code"] == "art31.max_days" for r in reasons)
    assert not Postponement.objects.exists() and not Document.objects.exists()
    assert AuditEvent.objects.filter(event="selfservice.postponement.refused").exists()


def test_roll_call_cannot_be_postponed(api):
    order = make_order(mobilization_type="roll_call", days=1)
    me, mine = person_with_notice(order)
    sign_in(api, me)
    response = api.post(
        f"/api/my/notices/{mine.pk}/postpone/", {"days": 1, "kind": "illness", "reason": "發燒"}, format="multipart"
    )
    assert response.status_code == 400
    assert "art31.type_not_covered" in {r["code"] for r in response.json()["reasons"]}


def test_uploads_are_checked_by_content_and_size(api, world, settings):
    sign_in(api, world["me"])
    url = f"/api/my/notices/{world['mine'].pk}/postpone/"
    fake = pdf_upload("doctor.pdf", b"MZ\x90\x00 this is a program, not a PDF")
    response = api.post(url, {"days": 2, "kind": "illness", "reason": "x", "documents": [fake]}, format="multipart")
    assert response.status_code == 400 and "PDF" in str(response.json())
    broken_png = SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, content_type="image/png")
    response = api.post(
        url, {"days": 2, "kind": "illness", "reason": "x", "documents": [broken_png]}, format="multipart"
    )
    assert response.status_code == 400
    settings.SELFSERVICE_UPLOAD_MAX_BYTES = 1024 * 1024
    big = pdf_upload("big.pdf", PDF + b"0" * (1024 * 1024))
    response = api.post(url, {"days": 2, "kind": "illness", "reason": "x", "documents": [big]}, format="multipart")
    assert response.status_code == 400 and "MB" in str(response.json())
    assert not Postponement.objects.exists() and not Document.objects.exists()


def test_exemption_request_joins_the_lifecycle_workflow(api, world):
    sign_in(api, world["me"])
    mine = world["mine"]
    grounds = api.get(f"/api/my/notices/{mine.pk}/exempt/").json()["grounds"]
    assert grounds
    response = api.post(
        f"/api/my/notices/{mine.pk}/exempt/",
        {"ground": grounds[0]["code"], "note": "本人重病", "documents": [pdf_upload()]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    exemption = Exemption.objects.get()
    assert exemption.status == "requested" and exemption.notice == mine
    assert exemption.requested_by is None and exemption.requested_by_name.startswith("selfservice:")
    assert exemption.documents.count() == 1
    kinds = [r["kind"] for r in api.get("/api/my/requests/").json()["results"]]
    assert kinds == ["exemption"]
    doc = exemption.documents.get()
    assert api.get(f"/api/my/documents/exemption/{doc.pk}/").status_code == 200
    again = api.post(
        f"/api/my/notices/{mine.pk}/exempt/", {"ground": grounds[0]["code"], "note": "再一次"}, format="multipart"
    )
    assert again.status_code in (400, 409) and Exemption.objects.count() == 1
    bad = api.post(f"/api/my/notices/{mine.pk}/exempt/", {"ground": "nonsense", "note": "x"}, format="multipart")
    assert bad.status_code in (400, 409)


def test_phone_change_needs_the_code_sent_to_the_new_number(api, world):
    me = world["me"]
    sign_in(api, me)
    response = api.patch("/api/my/contact/", {"phone": "0955 123 456"}, format="json")
    assert response.status_code == 202
    challenge = response.json()["pending"][0]["challenge"]
    assert Reservist.objects.get(pk=me.pk).phone == "0912345678"  # not yet
    code = last_code("0955123456")
    wrong = "000000" if code != "000000" else "111111"
    assert api.patch("/api/my/contact/", {"challenge": challenge, "code": wrong}, format="json").status_code == 400
    assert Reservist.objects.get(pk=me.pk).phone == "0912345678"
    response = api.patch("/api/my/contact/", {"challenge": challenge, "code": code}, format="json")
    assert response.status_code == 200 and response.json()["phone"] == "0955123456"
    assert Reservist.objects.get(pk=me.pk).phone == "0955123456"
    event = AuditEvent.objects.get(event="selfservice.contact.changed")
    assert event.before == {"phone": "0912345678"} and event.after == {"phone": "0955123456"}
    assert api.patch("/api/my/contact/", {"phone": "abc"}, format="json").status_code == 400
    assert api.patch("/api/my/contact/", {"nickname": "x"}, format="json").status_code == 400


def test_delivery_address_is_recorded_and_shown_to_the_township_office(api, world, users):
    sign_in(api, world["me"])
    response = api.patch("/api/my/contact/", {"delivery_address": "新北市板橋區中山路一段161號"}, format="json")
    assert response.status_code == 200 and response.json()["delivery_address"] == "新北市板橋區中山路一段161號"
    change = ContactChange.objects.get()
    assert change.status == "confirmed" and change.field == "delivery_address"
    page = logged_in(users.township).get("/selfservice/changes/")
    assert page.status_code == 200 and "新北市板橋區中山路一段161號" in page.content.decode()
    other = logged_in(users.county_b).get("/selfservice/changes/")
    assert "中山路一段161號" not in other.content.decode()
    assert logged_in(users.nobody).get("/selfservice/changes/").status_code == 403
    # The registry row carries it: the reservist's page at the township office and every notice PDF after it.
    me = Reservist.objects.get(pk=world["me"].pk)
    assert me.delivery_address == "新北市板橋區中山路一段161號" and me.address != me.delivery_address
    detail = logged_in(users.township).get(f"/reservists/{me.pk}/").content.decode()
    assert 'id="delivery-address"' in detail and "中山路一段161號" in detail


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "".join("".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def test_notice_pdfs_rendered_after_an_address_change_carry_the_new_address(api, world, users):
    from mobilization.services.notice_pdf import render_batch_pdf

    me, mine = world["me"], world["mine"]
    Reservist.objects.filter(pk=me.pk).update(address="新北市板橋區文化路一段1號")
    sign_in(api, me)
    before = _pdf_text(api.get(f"/api/my/notices/{mine.pk}/pdf/").content)
    assert "文化路一段1號" in before and "中山路一段161號" not in before
    changed = api.patch("/api/my/contact/", {"delivery_address": "新北市板橋區中山路一段161號"}, format="json")
    assert changed.status_code == 200
    after = _pdf_text(api.get(f"/api/my/notices/{mine.pk}/pdf/").content)
    assert "中山路一段161號" in after and "文化路一段1號" not in after
    # The township office's print batch reads the same address; the other person's page keeps theirs.
    batch, pages = render_batch_pdf(Notice.objects.filter(pk__in=[mine.pk, world["theirs"].pk]).order_by("id"))
    text = _pdf_text(batch)
    assert pages == 2 and text.count("中山路一段161號") == 1


def test_each_decision_is_sent_to_the_person_once(api, world, users):
    from selfservice.decisions import send_decisions

    me = world["me"]
    sign_in(api, me)
    mine = world["mine"]
    api.post(
        f"/api/my/notices/{mine.pk}/postpone/", {"days": 2, "kind": "illness", "reason": "住院"}, format="multipart"
    )
    postponement = Postponement.objects.get()
    assert send_decisions() == 0  # nothing decided yet
    notice_actions.decide_postponement(user=users.staff, postponement=postponement, approve=False, comment="證明不足")
    assert send_decisions() == 1
    message = DeliveryMessage.objects.filter(recipient=me.phone).order_by("-id").first()
    assert "未核准" in message.body and "證明不足" in message.body and mine.number in message.body
    assert send_decisions() == 0  # once only
    # A township office's own request is not a self-service request: nothing is sent by this task for it.
    other = world["theirs"]
    notice_actions.request_postponement(user=users.township, notice=other, days=1, reason="illness")
    assert send_decisions() == 0
