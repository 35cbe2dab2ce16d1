import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.testing import PASSWORD, api_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.PORTAL_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the wrong-code test is followed at once by the right code


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def login(username) -> Client:
    client = Client()
    assert client.post("/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_mnd_user_without_device_is_sent_to_setup_then_gets_in(users):
    client = login("t_staff")
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/2fa/setup/")
    setup = client.get("/2fa/setup/")
    assert setup.status_code == 200 and 'src="data:image/svg+xml' in setup.content.decode()
    device = TOTPDevice.objects.get(user=users.staff, confirmed=False)
    wrong = client.post("/2fa/setup/", {"code": "000000" if code_for(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and not TOTPDevice.objects.get(pk=device.pk).confirmed
    done = client.post("/2fa/setup/", {"code": code_for(device), "next": "/"})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/").status_code == 200


def test_session_api_refused_until_verified(users):
    client = login("t_approver")
    response = client.get("/api/regions/")
    assert response.status_code == 403


def test_second_login_asks_for_code_and_recovery_code_works_once(users):
    from core.twofactor import new_recovery_codes

    TOTPDevice.objects.create(user=users.auditor, name="phone", confirmed=True)
    codes = new_recovery_codes(users.auditor)
    client = login("t_auditor")
    assert client.get("/")["Location"].startswith("/2fa/verify/")
    assert client.post("/2fa/verify/", {"code": codes[0], "next": "/"}).status_code == 302
    assert client.get("/").status_code == 200
    again = login("t_auditor")
    assert again.post("/2fa/verify/", {"code": codes[0]}).status_code == 200  # used up: form error
    assert again.get("/").status_code == 302


def test_local_government_user_is_not_forced(users):
    client = login("t_county_a")
    assert client.get("/").status_code == 200


def test_token_endpoint_requires_code_for_mnd(users):
    device = TOTPDevice.objects.create(user=users.staff, name="phone", confirmed=True)
    client = api_client()
    without = client.post("/api/auth/token/", {"username": "t_staff", "password": PASSWORD}, format="json")
    assert without.status_code == 400 and "otp_token" in without.json()
    with_code = client.post(
        "/api/auth/token/", {"username": "t_staff", "password": PASSWORD, "otp_token": code_for(device)}, format="json"
    )
    assert with_code.status_code == 200 and with_code.json()["token"]
    county = client.post("/api/auth/token/", {"username": "t_county_a", "password": PASSWORD}, format="json")
    assert county.status_code == 200
