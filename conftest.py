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
