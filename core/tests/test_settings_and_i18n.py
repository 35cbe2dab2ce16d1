import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.dates import format_roc, parse_roc
from core.pii import check_digit, mask_name, mask_national_id, validate_national_id
from core.templatetags.portal import dual_date

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides={
            "SECRET_KEY": "prod-8f3k2j9s0d7f6g5h4j3k2l1z0x9c8v7b6n5m4q3w2e1r0t9y8u7i6o5p",
            "ALLOWED_HOSTS": "portal.example.gov.tw",
            "DJANGO_SECURE_SSL_REDIRECT": "1",
            "DJANGO_SECURE_COOKIES": "1",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_refuses_to_start_without_secret_key():
    result = run_manage("check", env_overrides={})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_is_off_by_default(settings):
    assert settings.DEBUG is False


def test_login_page_is_zh_hant_and_language_switch_sticks(client):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'lang="zh-Hant-TW"' in page.content.decode()
    assert "登入" in page.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    again = client.get(reverse("login"))
    assert 'lang="en"' in again.content.decode() and "Log in" in again.content.decode()


def test_roc_dates():
    assert format_roc(datetime.date(2026, 3, 1)) == "民國115年3月1日"
    assert format_roc(datetime.date(2026, 3, 1), english=True) == "ROC 115-03-01"
    assert parse_roc("115/03/01") == datetime.date(2026, 3, 1)
    assert parse_roc("民國115年3月1日") == datetime.date(2026, 3, 1)
    assert "民國115年3月1日" in dual_date(datetime.date(2026, 3, 1))
    with pytest.raises(ValueError):
        parse_roc("2026-03-01x")


@pytest.mark.parametrize(
    "value, code",
    [
        ("", "empty"),
        ("A12345678", "length"),
        ("112345678X", "letter"),
        ("A1234567X9", "digits"),
        ("A323456789", "gender_digit"),
        ("A123456788", "checksum"),
    ],
)
def test_national_id_errors_are_specific(value, code):
    with pytest.raises(ValidationError) as info:
        validate_national_id(value)
    assert info.value.code == code


def test_national_id_valid_and_masked():
    validate_national_id("A123456789")
    validate_national_id("a123456789 ")
    assert check_digit("A12345678") == "9"
    assert mask_national_id("A123456789") == "A12****789"
    assert mask_name("王小明") == "王*明"
