import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.testing import PASSWORD


@pytest.fixture
def require_2fa(settings):
    """The authentication tests run with production's setting: MND, auditor and superuser accounts need 2FA."""
    settings.PORTAL_REQUIRE_2FA = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("t_root", "root@example.test", PASSWORD)


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def password_login(username: str) -> Client:
    """A real sign-in through the login page with the password only: the attacker's session."""
    client = Client()
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the password is right: the login page lets the session in"
    return client


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="owner's phone", confirmed=True)


def verified_login(user) -> Client:
    """The owner's session: password, then a code from their authenticator."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or confirmed_device(user)
    client = password_login(user.username)
    response = client.post("/2fa/verify/", {"code": code_for(device), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    return client


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the eager Celery tasks) inside the test transaction."""

    def runner(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return runner
