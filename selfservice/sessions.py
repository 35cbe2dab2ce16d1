"""Reservists' sessions: a random token (cookie for pages, bearer token for the API) naming a ReservistSession.

The session ends after IDLE_MINUTES without a request or on sign-out; a person may be signed in on several
devices, each session ending on its own. The session never holds a staff role (see ReservistPrincipal).
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.utils import timezone

from core import rawsql
from core.pii import mask_national_id
from reservists.models import Reservist

from .codes import token_hash
from .models import IDLE_MINUTES, ReservistSession

COOKIE = "my_session"
CHALLENGE_COOKIE = "my_challenge"
# last_seen_at is written at most this often: a page view need not be a write.
TOUCH_SECONDS = 60


class ReservistPrincipal:
    """The signed-in reservist as `request.user` for the self-service API: authenticated, with no staff role
    and no permission at all, so no staff view or workflow can ever accept it."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, session: ReservistSession):
        self.session = session
        self.reservist = session.reservist

    def get_username(self) -> str:
        # What the audit log keeps as the actor: never the full national ID.
        return f"selfservice:{mask_national_id(self.reservist.national_id)}#{self.reservist.pk}"

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perms, obj=None) -> bool:
        return False

    def __str__(self):
        return self.get_username()


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=getattr(settings, "SELFSERVICE_IDLE_MINUTES", IDLE_MINUTES))


def start(reservist, backend: str) -> tuple[str, ReservistSession]:
    token = secrets.token_urlsafe(32)
    session = ReservistSession(
        token_hash=token_hash(token), reservist=reservist, backend=backend, last_seen_at=timezone.now()
    )
    rawsql.insert(session)  # every sign-in starts one: an INSERT written once, not compiled each time
    return token, session


def load(token: str | None) -> ReservistSession | None:
    """The live session behind `token`, touched; None if unknown, ended or idle too long (then it is ended)."""
    if not token or not isinstance(token, str) or len(token) > 100:
        return None
    session = _live(token_hash(token))
    if session is None:
        return None
    now = timezone.now()
    if session.last_seen_at + idle_limit() <= now:
        ReservistSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=now)
        return None
    if (now - session.last_seen_at).total_seconds() >= TOUCH_SECONDS:
        ReservistSession.objects.filter(pk=session.pk).update(last_seen_at=now)
        session.last_seen_at = now
    return session


def _live(hashed: str) -> ReservistSession | None:
    """The open session with this token hash and its reservist, in one query written as SQL (every signed-in
    request asks this; the ORM spent longer compiling it than PostgreSQL answering it). token_hash is unique."""
    rows = rawsql.fetch(
        f"SELECT {rawsql.columns(ReservistSession, 's')}, {rawsql.columns(Reservist, 'r')} "
        f"FROM {ReservistSession._meta.db_table} s JOIN {Reservist._meta.db_table} r ON r.id = s.reservist_id "
        "WHERE s.token_hash = %s AND s.ended_at IS NULL",
        [hashed],
    )
    if not rows:
        return None
    session, after = rawsql.instance(ReservistSession, rows[0])
    session.reservist, _after = rawsql.instance(Reservist, rows[0], after)
    return session


def end(session: ReservistSession) -> None:
    ReservistSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=timezone.now())


def set_cookie(response, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
