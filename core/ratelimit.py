"""Rate limits for public and credential endpoints, counted in the cache (Redis in production).

Rates live in settings.PORTAL_RATE_LIMITS ({"verify": "30/minute", ...}) and are read at call time.
If the cache is down the limit fails open: a Redis outage must not take the portal's pages with it.
"""

from __future__ import annotations

import functools
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

log = logging.getLogger(__name__)
PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip().rstrip("s")]


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(scope: str, key: str) -> tuple[bool, int]:
    """Count one request for (scope, key). Returns (allowed, seconds until the window ends)."""
    rate = settings.PORTAL_RATE_LIMITS.get(scope)
    if not rate:
        return True, 0
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    cache_key = f"rl:{scope}:{key}:{window}"
    try:
        if hasattr(cache, "count"):  # Redis: one round trip
            count = cache.count(cache_key, timeout=period + 1)
        else:
            added = cache.add(cache_key, 1, timeout=period + 1)
            count = 1 if added else cache.incr(cache_key)
    except Exception:  # cache unreachable: fail open, but say so in the log
        log.warning("rate limit cache unavailable; %s not limited", scope)
        return True, 0
    return count <= limit, period - int(time.time()) % period


def rate_limited(scope: str):
    """Decorator for page views: 429 with Retry-After past the limit, per client IP."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            allowed, wait = hit(scope, client_ip(request))
            if not allowed:
                response = HttpResponse(
                    _("Too many requests; please wait a moment and try again."),
                    status=429,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(wait)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class PortalRateThrottle(BaseThrottle):
    """DRF throttle using the same counters; set `throttle_scope` on the view."""

    def allow_request(self, request, view):
        scope = getattr(view, "throttle_scope", None)
        if not scope:
            return True
        allowed, self._wait = hit(scope, client_ip(request))
        return allowed

    def wait(self):
        return getattr(self, "_wait", None)
