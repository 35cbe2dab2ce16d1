"""A reservist on a phone: signs in with a code read from the development delivery backend, sees the call-up,
downloads the notice, asks for a 2-day postponement with a document, sees a 4-day one refused citing Art. 31,
changes the phone number, and sees the township office's decision arrive. Every self-service page passes
axe-core with no serious or critical violation, and none breaks the Content Security Policy."""

import re

import pytest

from mobilization.models import DeliveryMessage, Postponement
from selfservice.callup import notice_steps as notice_actions
from selfservice.tests.helpers import PDF, person_with_notice
from tests.browser.accessibility import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="zh-TW", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    violations = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield page
    context.close()
    assert not violations, f"the page broke its Content Security Policy: {violations[:3]}"


def code_sent_to(recipient: str) -> str:
    message = DeliveryMessage.objects.filter(recipient=recipient).order_by("-id").first()
    return re.search(r"\b(\d{6})\b", message.body).group(1)


def test_reservist_signs_in_on_a_phone_and_looks_after_their_call_up(phone, live_server, users):
    page = phone
    person, notice = person_with_notice()
    other, theirs = person_with_notice(notice.order, phone="0933000222")

    page.goto(f"{live_server.url}/my/")
    page.wait_for_selector("#sign-in-id")
    assert page.locator("html").get_attribute("lang") == "zh-Hant-TW"
    assert_accessible(page, "sign-in")
    # Large touch targets on the phone.
    box = page.locator("#send-code").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300

    page.fill("#id_id-national_id", person.national_id)
    page.fill("#id_id-birth_date", f"{person.birth_date.year - 1911}/{person.birth_date:%m/%d}")
    page.click("#send-code")
    page.wait_for_selector("#code-form")
    assert_accessible(page, "code")
    page.fill("#id_code", code_sent_to(person.phone))
    page.click("#code-submit")

    page.wait_for_selector(f"#upcoming .callup[data-notice='{notice.pk}']")
    assert page.locator(".callup").count() == 1  # nothing of anyone else
    text = page.locator("main").inner_text()
    assert "民國116年3月15日" in text and "2027-03-15" in text and "板橋營區" in text
    assert "第27條" in page.locator("#service-record").inner_text()
    assert person.national_id not in page.content()
    assert page.locator("#masked-id").inner_text() == person.masked_national_id
    assert_accessible(page, "home")

    page.click(f".callup[data-notice='{notice.pk}'] h3 a")
    page.wait_for_selector("#notice-info")
    assert_accessible(page, "notice")
    with page.expect_download() as download:
        page.click("#notice-pdf")
    with open(download.value.path(), "rb") as pdf_file:
        assert pdf_file.read(5) == b"%PDF-"

    # Someone else's notice does not exist for this person.
    response = page.goto(f"{live_server.url}/my/notices/{theirs.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/my/notices/{notice.pk}/")

    # Two days for an operation, with the hospital's certificate.
    page.fill("#id_postpone-days", "2")
    page.select_option("#id_postpone-kind", "illness")
    page.fill("#id_postpone-reason", "住院開刀")
    page.set_input_files(
        "#id_documents", files=[{"name": "診斷證明.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.click("#postpone-submit")
    page.wait_for_selector(".request[data-kind=postponement][data-status=requested]")
    assert_accessible(page, "requests")
    postponement = Postponement.objects.get()
    assert postponement.days == 2 and postponement.documents.count() == 1

    # Four days is more than Art. 31 allows: refused, citing the article, and nothing more is recorded.
    page.goto(f"{live_server.url}/my/notices/{notice.pk}/")
    page.fill("#id_postpone-days", "4")
    page.select_option("#id_postpone-kind", "illness")
    page.fill("#id_postpone-reason", "再延長")
    page.click("#postpone-submit")
    refusal = page.locator("#postpone-refusal")
    refusal.wait_for()
    assert "第31條" in refusal.inner_text()
    assert_accessible(page, "notice with a refusal")
    assert Postponement.objects.count() == 1

    # A new phone number, confirmed by the code sent to it.
    page.click(".my-nav a[href='/my/contact/']")
    page.wait_for_selector("#phone-form")
    assert_accessible(page, "contact")
    page.fill("#id_phone-phone", "0955123456")
    page.click("#phone-submit")
    page.wait_for_selector("#confirm-form")
    assert_accessible(page, "confirm")
    page.fill("#id_code", code_sent_to("0955123456"))
    page.click("#confirm-submit")
    page.wait_for_selector("#current-phone")
    assert page.locator("#current-phone").inner_text() == "0955123456"

    # The office decides; the person sees it, and the reissued notice goes to the new number.
    notice_actions.decide_postponement(user=users.staff, postponement=postponement, approve=True)
    page.click(".my-nav a[href='/my/requests/']")
    page.wait_for_selector(".request[data-kind=postponement][data-status=approved]")
    assert DeliveryMessage.objects.filter(recipient="0955123456", notice=notice).exists()
    page.click(".my-nav a[href='/my/']")
    page.wait_for_selector("#upcoming")
    assert "民國116年3月17日" in page.locator("#upcoming").inner_text()

    page.click("#sign-out")
    page.wait_for_selector("#sign-in-id")
    page.goto(f"{live_server.url}/my/notices/{notice.pk}/")
    page.wait_for_selector("#sign-in-id")  # signed out: back to sign-in


def test_sign_in_with_the_printed_code_on_a_phone(phone, live_server):
    page = phone
    person, notice = person_with_notice(phone="", email="")
    page.goto(f"{live_server.url}/my/sign-in/")
    page.fill("#id_notice-verification_code", notice.verification_code)
    page.fill("#id_notice-birth_date", "1900-01-01")
    page.click("#sign-in-with-notice")
    page.wait_for_selector("#sign-in-notice .my-error")
    assert_accessible(page, "sign-in with an error")
    page.fill("#id_notice-birth_date", person.birth_date.isoformat())
    page.click("#sign-in-with-notice")
    page.wait_for_selector(f".callup[data-notice='{notice.pk}']")
