"""Housekeeping of sign-in: one-time codes and self-service sessions that can no longer be used are deleted.

A code lives CODE_MINUTES and a session ends after the idle limit; their rows are only kept for RETAIN_MINUTES more
(enough to look into a fresh incident: the audit log keeps every sign-in for good). The rate limits live in Redis
(core.ratelimit) and never count these rows, so deleting them frees no sending. Deletes run in batches by primary
key so no long lock is held on the tables sign-in writes to. Run by Celery beat (config/settings.py).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import events

from .events import HOUSEKEEPING_PURGED
from .models import CODE_MINUTES, Challenge, ReservistSession
from .sessions import idle_limit

RETAIN_MINUTES = 60
BATCH = 5000


def _retain() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "SELFSERVICE_PURGE_RETAIN_MINUTES", RETAIN_MINUTES))


def _delete_in_batches(queryset, batch: int) -> int:
    total = 0
    while True:
        with transaction.atomic():
            ids = list(queryset.order_by().values_list("pk", flat=True)[:batch])
            if not ids:
                return total
            total += queryset.model.objects.filter(pk__in=ids).delete()[0]


def purge_expired(now: datetime.datetime | None = None, batch: int = BATCH) -> dict:
    """Delete codes expired (or used) more than the retention ago, and sessions ended or idle past their limit
    more than the retention ago. Returns what was deleted; writes one named event when anything was."""
    now = now or timezone.now()
    cutoff = now - _retain()
    # Every code expires CODE_MINUTES after it was made: the created_at index finds them.
    codes = Challenge.objects.filter(created_at__lt=cutoff - datetime.timedelta(minutes=CODE_MINUTES))
    sessions = ReservistSession.objects.filter(ended_at__lt=cutoff) | ReservistSession.objects.filter(
        ended_at__isnull=True, last_seen_at__lt=cutoff - idle_limit()
    )
    result = {"codes": _delete_in_batches(codes, batch), "sessions": _delete_in_batches(sessions, batch)}
    if result["codes"] or result["sessions"]:
        events.record(HOUSEKEEPING_PURGED, after={**result, "before": cutoff.isoformat()})
    return result
