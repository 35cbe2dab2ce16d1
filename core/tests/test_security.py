import pytest
from django.test import Client
from django.urls import reverse

from core.testing import PASSWORD, api_client

pytestmark = pytest.mark.django_db


def fail_login(client, username, times):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"})


def test_login_page_locks_after_five_failures(users):
    client = Client()
    fail_login(client, "t_staff", 5)
    response = client.post(reverse("login"), {"username": "t_staff", "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # another account is not affected
    ok = Client().post(reverse("login"), {"username": "t_county_a", "password": PASSWORD})
    assert ok.status_code == 302


def test_four_failures_do_not_lock(users):
    client = Client()
    fail_login(client, "t_staff", 4)
    response = client.post(reverse("login"), {"username": "t_staff", "password": PASSWORD})
    assert response.status_code == 302


def test_token_endpoint_locks_after_five_failures(users):
    client = api_client()
    codes = [
        client.post("/api/auth/token/", {"username": "t_county_b", "password": "nope"}, format="json").status_code
        for _ in range(5)
    ]
    assert codes == [400, 400, 400, 400, 429]
    locked = client.post("/api/auth/token/", {"username": "t_county_b", "password": PASSWORD}, format="json")
    assert locked.status_code == 429
    assert "token" not in locked.json()


def test_lockout_expires_after_cooloff(users, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    client = Client()
    fail_login(client, "t_staff", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = client.post(reverse("login"), {"username": "t_staff", "password": PASSWORD})
    assert response.status_code == 302


def test_token_endpoint_is_rate_limited(users, settings):
    from django.core.cache import cache

    cache.clear()
    settings.PORTAL_RATE_LIMITS = {"token": "3/minute"}
    client = api_client()
    codes = [
        client.post("/api/auth/token/", {"username": "t_staff", "password": PASSWORD}, format="json").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_rate_limit_counts_in_one_round_trip_with_the_window_as_expiry(settings):
    from django.core.cache import cache

    from core.ratelimit import hit

    if not hasattr(cache, "count"):
        pytest.skip("the counter in one round trip is Redis's")
    cache.clear()
    settings.PORTAL_RATE_LIMITS = {"probe": "2/minute"}
    assert [hit("probe", "10.0.0.1")[0] for _ in range(3)] == [True, True, False]
    assert hit("probe", "10.0.0.2")[0] is True  # another key counts on its own
    assert cache.count("probe-key", timeout=30) == 1 and cache.count("probe-key", timeout=30) == 2
    assert cache.get("probe-key") == 2  # the same counter as cache.add()/incr() kept
    key = cache.make_and_validate_key("probe-key")
    assert 0 < cache._cache.get_client(key).ttl(key) <= 30


def test_rate_limit_without_redis_counts_with_add_and_incr(settings):
    from unittest import mock

    from core import ratelimit

    settings.PORTAL_RATE_LIMITS = {"probe": "1/minute"}
    fake = mock.Mock(spec=["add", "incr"])
    fake.add.side_effect = [True, False]
    fake.incr.return_value = 2
    with mock.patch.object(ratelimit, "cache", fake):
        assert [ratelimit.hit("probe", "10.0.0.3")[0] for _ in range(2)] == [True, False]


def test_security_headers(users, client):
    response = client.get(reverse("login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_and_csrf_cookies_are_httponly(users, settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    client = Client()
    client.post(reverse("login"), {"username": "t_staff", "password": PASSWORD})
    assert client.cookies["sessionid"]["httponly"]


def test_public_verification_is_rate_limited(settings, client):
    from django.core.cache import cache

    cache.clear()
    settings.PORTAL_RATE_LIMITS = {"verify": "2/minute"}
    codes = [client.get("/api/verify/report/made-up-code/").status_code for _ in range(3)]
    assert codes == [404, 404, 429]
    assert client.get("/verify/report/made-up-code/").status_code == 429
