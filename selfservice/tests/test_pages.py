"""The self-service pages work as plain forms (no script at all), never show a full national ID, speak zh-Hant
first and English on request, and send a signed-out or idle person back to sign-in."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from core.models import AuditEvent
from selfservice.models import ReservistSession

from .helpers import last_code, person_with_notice

pytestmark = pytest.mark.django_db


def signed_in_client(person) -> Client:
    client = Client()
    response = client.post(
        "/my/sign-in/",
        {"method": "id", "id-national_id": person.national_id, "id-birth_date": person.birth_date.isoformat()},
    )
    assert response.status_code == 302 and response["Location"] == "/my/code/"
    response = client.post("/my/code/", {"code": last_code(person.phone)})
    assert response.status_code == 302 and response["Location"] == "/my/"
    return client


def test_every_page_works_without_script_and_masks_the_national_id():
    person, notice = person_with_notice()
    client = signed_in_client(person)
    for url in ("/my/", f"/my/notices/{notice.pk}/", "/my/requests/", "/my/contact/"):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<script" not in html and " style=" not in html
        assert person.national_id not in html and person.masked_national_id in html
        assert 'lang="zh-Hant-TW"' in html
    assert AuditEvent.objects.filter(event="selfservice.notice.viewed", object_id=notice.pk).exists()


def test_acknowledge_by_form_post():
    person, notice = person_with_notice()
    client = signed_in_client(person)
    response = client.post(f"/my/notices/{notice.pk}/", {"action": "acknowledge"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "acknowledged"


def test_someone_elses_notice_page_and_pdf_are_404():
    person, notice = person_with_notice()
    _other, theirs = person_with_notice(notice.order, phone="0933000999")
    client = signed_in_client(person)
    assert client.get(f"/my/notices/{theirs.pk}/").status_code == 404
    assert client.get(f"/my/notices/{theirs.pk}/pdf/").status_code == 404
    assert client.post(f"/my/notices/{theirs.pk}/", {"action": "acknowledge"}).status_code == 404


def test_english_on_request():
    person, _notice = person_with_notice()
    client = signed_in_client(person)
    client.post("/i18n/setlang/", {"language": "en", "next": "/my/"})
    html = client.get("/my/").content.decode()
    assert "My call-ups" in html and "Art. 27" in html
    client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/my/"})
    assert "我的召集" in client.get("/my/").content.decode()


def test_idle_session_goes_back_to_sign_in():
    person, _notice = person_with_notice()
    client = signed_in_client(person)
    ReservistSession.objects.update(last_seen_at=timezone.now() - datetime.timedelta(minutes=31))
    response = client.get("/my/")
    assert response.status_code == 302 and response["Location"] == "/my/sign-in/"


def test_sign_in_page_answers_alike_for_unknown_people():
    person, _notice = person_with_notice()
    known = Client().post(
        "/my/sign-in/",
        {"method": "id", "id-national_id": person.national_id, "id-birth_date": person.birth_date.isoformat()},
    )
    unknown = Client().post(
        "/my/sign-in/", {"method": "id", "id-national_id": "A123456789", "id-birth_date": "1990-01-01"}
    )
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/my/code/"
    assert set(known.cookies) == set(unknown.cookies)
    wrong = Client()
    wrong.cookies.load(unknown.cookies)
    assert wrong.post("/my/code/", {"code": "123456"}).status_code == 400


def test_a_staff_login_is_no_reservist_session(users):
    client = Client()
    client.force_login(users.admin)
    response = client.get("/my/")
    assert response.status_code == 302 and response["Location"] == "/my/sign-in/"
