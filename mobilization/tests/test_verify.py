"""Public verification of a notice without login: genuine or not, never a national ID, rate-limited; the
reservist confirms receipt with their birth date, and a wrong one changes nothing."""

import datetime

import pytest
from django.core.cache import cache
from django.utils import translation

from mobilization.models import Notice, NoticeEvent

from .test_notice_pdf import FULL_ID, make_notice, make_order

pytestmark = pytest.mark.django_db
BIRTH = datetime.date(1996, 5, 31)


@pytest.fixture(autouse=True)
def fresh_limits(settings):
    cache.clear()
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "verify": "100/minute"}


@pytest.fixture
def notice(db) -> Notice:
    made = make_notice(make_order(), national_id=FULL_ID, name="王小明", status="delivered")
    made.reservist.birth_date = BIRTH
    made.reservist.save(update_fields=["birth_date"])
    return made


def page(client, code):
    return client.get(f"/verify/{code}/")


def test_genuine_code_shows_the_notice_without_the_national_id(client, notice):
    response = page(client, notice.verification_code)
    assert response.status_code == 200
    body = response.content.decode()
    with translation.override("zh-hant"):
        status = str(notice.get_status_display())
    assert notice.number in body and "王*明" in body and f'badge ok">{status}<' in body
    assert "新北市" in body and "板橋營區集合場" in body
    assert FULL_ID not in body and "A12****789" not in body and "王小明" not in body
    assert "1996-05-31" not in body


def test_the_code_may_be_typed_grouped_and_in_lower_case(client, notice):
    assert page(client, "abcd-efgh-jkmn-0001").status_code == 200


def test_api_gives_status_masked_name_and_report_date(client, notice):
    response = client.get(f"/api/verify/{notice.verification_code}/")
    assert response.status_code == 200
    data = response.json()
    assert data["valid"] is True
    assert data["status"] == "delivered"
    assert data["name"] == "王*明"
    assert data["number"] == notice.number
    assert data["report_date"] == "2026-03-01"
    body = response.content.decode()
    assert FULL_ID not in body and "A12****789" not in body and "national" not in body


@pytest.mark.parametrize("code", ["MADEUPCODE234567", "x", "%3Cscript%3E", "A" * 200])
def test_a_made_up_code_is_not_genuine_and_never_an_error(client, notice, code):
    response = page(client, code)
    assert response.status_code == 404
    assert "查無此驗證碼之召集令" in response.content.decode()
    api = client.get(f"/api/verify/{code}/")
    assert api.status_code == 404 and api.json() == {"valid": False}


def test_verification_is_rate_limited_per_client(client, notice, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "verify": "3/minute"}
    codes = [client.get(f"/api/verify/{notice.verification_code}/").status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    assert page(client, notice.verification_code).status_code == 429
    assert client.get(f"/api/verify/{notice.verification_code}/").status_code == 429


def test_the_right_birth_date_acknowledges_receipt(client, notice):
    response = client.post(f"/verify/{notice.verification_code}/", {"birth_date": "1996-05-31"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "acknowledged"
    event = NoticeEvent.objects.get(notice=notice, event="acknowledged")
    assert event.user is None and event.note == "verification_page"
    after = client.get(response["Location"]).content.decode()
    assert "已登錄您收到本召集令" in after and "已確認收到本召集令" in after
    assert 'name="birth_date"' not in after


def test_an_roc_birth_date_is_accepted_too(client, notice):
    assert client.post(f"/verify/{notice.verification_code}/", {"birth_date": "85/05/31"}).status_code == 302
    notice.refresh_from_db()
    assert notice.status == "acknowledged"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("1996-05-30", "出生日期與受召人不符，未予登錄"),
        ("85/5/30", "出生日期與受召人不符，未予登錄"),
        ("not a date", "請以1990-05-31或民國紀年79/05/31之格式輸入日期"),
        ("", 'class="error"'),
    ],
)
def test_a_wrong_birth_date_changes_nothing(client, notice, given, message):
    response = client.post(f"/verify/{notice.verification_code}/", {"birth_date": given})
    assert response.status_code == 400
    notice.refresh_from_db()
    assert notice.status == "delivered"
    assert not NoticeEvent.objects.filter(notice=notice).exists()
    body = response.content.decode()
    assert message in body


def test_after_five_wrong_birth_dates_even_the_right_one_waits(client, notice):
    for day in range(1, 6):
        client.post(f"/verify/{notice.verification_code}/", {"birth_date": f"1996-01-{day:02d}"})
    response = client.post(f"/verify/{notice.verification_code}/", {"birth_date": "1996-05-31"})
    assert response.status_code == 429
    assert "次數過多" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == "delivered"


def test_acknowledging_is_rate_limited_too(client, notice, settings):
    settings.PORTAL_RATE_LIMITS = {**settings.PORTAL_RATE_LIMITS, "verify": "1/minute"}
    page(client, notice.verification_code)
    response = client.post(f"/verify/{notice.verification_code}/", {"birth_date": "1996-05-31"})
    assert response.status_code == 429
    notice.refresh_from_db()
    assert notice.status == "delivered"


def test_an_undeliverable_notice_offers_no_acknowledgement(client, notice):
    Notice.objects.filter(pk=notice.pk).update(status="undeliverable")
    assert 'name="birth_date"' not in page(client, notice.verification_code).content.decode()
    response = client.post(f"/verify/{notice.verification_code}/", {"birth_date": "1996-05-31"})
    assert response.status_code == 409
    notice.refresh_from_db()
    assert notice.status == "undeliverable"


def test_posting_to_an_unknown_code_is_not_found(client, notice):
    assert client.post("/verify/MADEUPCODE234567/", {"birth_date": "1996-05-31"}).status_code == 404
