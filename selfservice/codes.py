"""One-time codes: keyed hashes, single use, five minutes, locked after five wrong tries.

`issue()` writes a Challenge and returns its opaque token (what the client holds between the two steps) and
the code; `redeem()` checks a code against a token under a row lock and answers the challenge or None.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core import rawsql

from .models import CODE_MINUTES, MAX_TRIES, Challenge

CODE_DIGITS = 6


def keyed_hash(*parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalise(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())[:64]


def issue(
    *,
    purpose: str,
    reservist_id: int | None,
    code: str | None = None,
    backend: str = "",
    new_value: str = "",
    channel: str = "",
) -> tuple[str, str, Challenge]:
    """(token, code, challenge). The code is stored only as a hash keyed by the token."""
    token = secrets.token_urlsafe(24)
    code = code if code is not None else new_code()
    challenge = Challenge(
        token_hash=token_hash(token),
        purpose=purpose,
        backend=backend,
        reservist_id=reservist_id,
        code_hash=keyed_hash(token, normalise(code)),
        new_value=new_value,
        channel=channel,
        expires_at=timezone.now() + datetime.timedelta(minutes=CODE_MINUTES),
    )
    rawsql.insert(challenge)  # every sign-in writes one: an INSERT written once, not compiled each time
    return token, code, challenge


class Outcome:
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"  # this try was the last one allowed, or the code was locked before
    GONE = "gone"  # unknown token, expired or already used


def redeem(token: str, code: str, *, purpose: str) -> tuple[str, Challenge | None]:
    """Check `code` for the challenge behind `token`. A right code for nobody in the registry is still wrong."""
    if not token or not isinstance(token, str):
        return Outcome.GONE, None
    now = timezone.now()
    with transaction.atomic():
        # token_hash is unique; written as SQL because every sign-in redeems a code.
        rows = rawsql.fetch(
            f"SELECT {rawsql.columns(Challenge, 'c')} FROM {Challenge._meta.db_table} c "
            "WHERE c.token_hash = %s AND c.purpose = %s FOR UPDATE",
            [token_hash(token), purpose],
        )
        challenge = rawsql.instance(Challenge, rows[0])[0] if rows else None
        if challenge is None or challenge.used_at is not None or challenge.expires_at <= now:
            return Outcome.GONE, challenge
        if challenge.tries >= MAX_TRIES:
            return Outcome.LOCKED, challenge
        right = hmac.compare_digest(challenge.code_hash, keyed_hash(token, normalise(code)))
        if right and challenge.reservist_id is not None:
            # Single use: only the first redeemer sets used_at (SQL written once, like the read above).
            with connection.cursor() as cursor:
                cursor.execute(_USE_SQL, [now, challenge.pk])
                used = cursor.rowcount
            return (Outcome.OK if used == 1 else Outcome.GONE), challenge
        Challenge.objects.filter(pk=challenge.pk).update(tries=F("tries") + 1)
        challenge.tries += 1
        return (Outcome.LOCKED if challenge.tries >= MAX_TRIES else Outcome.WRONG), challenge


_USE_SQL = f"UPDATE {Challenge._meta.db_table} SET used_at = %s WHERE id = %s AND used_at IS NULL"


def issue_token_only() -> str:
    """A token that leads nowhere, for a request that was rate-limited: the answer looks the same."""
    return secrets.token_urlsafe(24)
