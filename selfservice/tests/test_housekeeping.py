"""Housekeeping of sign-in: one-time codes and sessions that can no longer be used are deleted on a schedule, and
nothing that still works is touched (a live code verifies, a session in use stays signed in)."""

import datetime

import pytest
from django.utils import timezone

from core.models import AuditEvent
from selfservice import codes, sessions
from selfservice.choices import Purpose
from selfservice.cleanup import purge_expired
from selfservice.models import Challenge, ReservistSession
from selfservice.tasks import purge_expired as purge_task

from .helpers import person_with_notice

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def _age(queryset, **fields):
    queryset.update(**fields)


def test_expired_codes_and_idle_or_ended_sessions_are_deleted_and_live_ones_kept(settings):
    me, _notice = person_with_notice()
    now = timezone.now()
    old_token, _c, old = codes.issue(purpose=Purpose.SIGN_IN, reservist_id=me.pk)
    _t, _c, nobody = codes.issue(purpose=Purpose.SIGN_IN, reservist_id=None)  # an unknown person's decoy
    live_token, live_code, live = codes.issue(purpose=Purpose.SIGN_IN, reservist_id=me.pk)
    Challenge.objects.filter(pk__in=[old.pk, nobody.pk]).update(created_at=now - 2 * HOUR, expires_at=now - 2 * HOUR)

    idle_token, idle = sessions.start(me, "code")
    ended_token, ended = sessions.start(me, "code")
    active_token, active = sessions.start(me, "code")
    recent_end_token, recent_end = sessions.start(me, "code")
    ReservistSession.objects.filter(pk=idle.pk).update(last_seen_at=now - 3 * HOUR)
    ReservistSession.objects.filter(pk=ended.pk).update(ended_at=now - 2 * HOUR)
    ReservistSession.objects.filter(pk=recent_end.pk).update(ended_at=now - datetime.timedelta(minutes=5))

    result = purge_expired(batch=1)  # batches of one: the loop must go on until nothing is left
    assert result == {"codes": 2, "sessions": 2}
    assert set(Challenge.objects.values_list("pk", flat=True)) == {live.pk}
    assert set(ReservistSession.objects.values_list("pk", flat=True)) == {active.pk, recent_end.pk}
    event = AuditEvent.objects.get(event="selfservice.housekeeping.purged")
    assert event.after["codes"] == 2 and event.after["sessions"] == 2

    # What still works keeps working: the live code verifies, the session in use loads.
    assert codes.redeem(live_token, live_code, purpose=Purpose.SIGN_IN)[0] == codes.Outcome.OK
    assert sessions.load(active_token) is not None
    assert codes.redeem(old_token, "000000", purpose=Purpose.SIGN_IN)[0] == codes.Outcome.GONE

    # Nothing left to delete: no event, nothing changed.
    assert purge_expired() == {"codes": 0, "sessions": 0}
    assert AuditEvent.objects.filter(event="selfservice.housekeeping.purged").count() == 1


def test_a_session_idle_but_within_the_retention_is_kept_until_it_passes(settings):
    settings.SELFSERVICE_PURGE_RETAIN_MINUTES = 60
    me, _notice = person_with_notice()
    _token, session = sessions.start(me, "code")
    now = timezone.now()
    # Idle 31 minutes: over the 30-minute limit (load() would end it) but kept for the retention.
    ReservistSession.objects.filter(pk=session.pk).update(last_seen_at=now - datetime.timedelta(minutes=31))
    assert purge_expired()["sessions"] == 0
    assert purge_expired(now=now + HOUR)["sessions"] == 1


def test_beat_runs_the_housekeeping_and_the_decisions(settings):
    from selfservice.tasks import send_decisions

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["selfservice-purge-expired"]["task"] == purge_task.name == "selfservice.purge_expired"
    assert schedule["selfservice-send-decisions"]["task"] == send_decisions.name
    assert purge_task() == {"codes": 0, "sessions": 0}
