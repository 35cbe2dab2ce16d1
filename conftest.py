"""Fixtures every app's tests share: the named users of STYLE.md and API clients."""

import pytest

from core.testing import NamedUsers


@pytest.fixture
def users(db) -> NamedUsers:
    return NamedUsers.create()


@pytest.fixture
def api():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture(autouse=True)
def _english_free_defaults(settings):
    # Tests assert on behaviour, in the default language (zh-Hant) unless a test switches.
    settings.LANGUAGE_CODE = "zh-hant"


# The local S3 API server and the per-test bucket (s3_server, s3_storage).
pytest_plugins = ["core.testing_s3"]


@pytest.fixture
def orders_dated_2024(monkeypatch):
    """Tests whose world is dated 2024 draft orders for 2024: the order form's "report date has passed" check
    (mobilization.services.policy.today) counts from 2024-01-01 for them."""
    import datetime

    monkeypatch.setattr("mobilization.services.policy.today", lambda: datetime.date(2024, 1, 1))


@pytest.fixture
def report_day_reached(monkeypatch):
    """Tests of report day in the notice world (orders reporting on 2027-03-15): attendance may be recorded, as
    it may only from the report day on (mobilization.services.notices.today is that day for them)."""
    import datetime

    monkeypatch.setattr("mobilization.services.notices.today", lambda: datetime.date(2027, 3, 15))
