"""Sign-in without a password, behind one interface so that other ways in can be added as backends.

A backend is a class constructed with a `SignInContext` (the client's address and, between the two steps, the
opaque challenge token) with two methods:

    start(identifiers: dict) -> None     # e.g. {"national_id": ..., "birth_date": date}
    verify(code: str) -> Reservist       # or raise SignInFailed

`start()` must behave the same whether or not the identifiers match someone (same work, no exception that
tells them apart) and leaves `context.challenge` set for the second step. Backends are listed in
settings.SELFSERVICE_SIGNIN_BACKENDS (name -> dotted path). A government identity provider (我的E政府,
TW FidO) is one more backend: `start()` records the state of the redirect, `verify()` takes the provider's
answer, checks it with the provider and returns the Reservist whose national ID the provider asserted.

Built in:
- `code`: national ID + birth date; a one-time code goes to the phone (SMS) or e-mail on file through the
  notice delivery backends.
- `notice`: the verification code printed on a call-up notice + birth date, for people with no contact on
  file; the second step is the printed code itself (the page does both steps at once).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from core import events, rawsql
from core.pii import mask_national_id, normalise_national_id
from core.ratelimit import hit
from reservists.models import Reservist

from . import codes
from .callup import Channel, Notice, delivery, normalise_code
from .choices import Purpose
from .events import SIGNIN_FAILED, SIGNIN_LOCKED, SIGNIN_REQUESTED

log = logging.getLogger(__name__)

BACKENDS = {
    "code": "selfservice.signin.OneTimeCodeBackend",
    "notice": "selfservice.signin.NoticeCodeBackend",
}


class SignInFailed(Exception):
    """The code is wrong, expired, used or locked. `locked` says whether asking for a new code is the only way."""

    def __init__(self, locked: bool = False):
        super().__init__("sign-in failed")
        self.locked = locked


@dataclass
class SignInContext:
    client: str
    challenge: str = ""


def backend(name: str, context: SignInContext):
    path = getattr(settings, "SELFSERVICE_SIGNIN_BACKENDS", BACKENDS).get(name)
    if path is None:
        raise KeyError(name)
    return import_string(path)(context)


def _allowed(scope: str, key: str) -> bool:
    allowed, _wait = hit(scope, key)
    return allowed


def send_code(challenge_id: int, code: str) -> None:
    """Hand the code to the person's channel (SMS if a phone is on file, otherwise e-mail). Runs for every
    challenge, found or not: for nobody in the registry there is simply no channel to send to."""
    from .models import Challenge

    # Written as SQL once: every sign-in sends a code, and the ORM's select_related cost more than the send.
    rows = rawsql.fetch(
        f"SELECT c.purpose, c.new_value, c.reservist_id, r.phone, r.email FROM {Challenge._meta.db_table} c "
        f"LEFT JOIN {Reservist._meta.db_table} r ON r.id = c.reservist_id WHERE c.id = %s",
        [challenge_id],
    )
    if not rows:
        return
    purpose, new_value, person, person_phone, person_email = rows[0]
    phone = (new_value if purpose == Purpose.CONFIRM_PHONE else person_phone) if person else ""
    email = (new_value if purpose == Purpose.CONFIRM_EMAIL else person_email) if person else ""
    if purpose == Purpose.CONFIRM_EMAIL:
        phone = ""
    if purpose == Purpose.CONFIRM_PHONE:
        email = ""
    with override("zh-hant"):
        if purpose == Purpose.SIGN_IN:
            text = _(
                "Reservist self-service sign-in code: %(code)s. It is valid for 5 minutes; never give it to anyone."
            )
        else:
            text = _("Reservist self-service: your confirmation code is %(code)s. It is valid for 5 minutes.")
        text = text % {"code": code}
        subject = _("Reservist self-service code")
    messages = []
    if phone:
        messages.append(delivery.OutgoingMessage(Channel.SMS, phone, text))
    elif email:
        messages.append(delivery.OutgoingMessage(Channel.EMAIL, email, text, subject=subject))
    if messages:
        delivery.send(messages)


class OneTimeCodeBackend:
    """National ID + birth date; a six-digit code goes to the phone or e-mail on file."""

    name = "code"

    def __init__(self, context: SignInContext):
        self.context = context

    def start(self, identifiers: dict) -> None:
        national_id = normalise_national_id(identifiers.get("national_id", ""))
        birth_date: datetime.date = identifiers["birth_date"]
        # Both limits are counted before the registry is read, so being limited says nothing about the person.
        per_client = _allowed("selfservice_signin", self.context.client)
        per_person = per_client and _allowed("selfservice_code", codes.keyed_hash("nid", national_id))
        if not (per_client and per_person):
            self.context.challenge = codes.issue_token_only()
            return
        # By the unique national ID alone, the birth date compared here: with both in the WHERE clause PostgreSQL
        # may walk the birth-date index (thousands share a birthday) instead of the unique one. Written as SQL:
        # every sign-in asks it. The same query whether or not anyone matches.
        found = rawsql.fetch(
            f"SELECT id, birth_date FROM {Reservist._meta.db_table} WHERE national_id = %s", [national_id]
        )
        person_id = found[0][0] if found and found[0][1] == birth_date else None
        with transaction.atomic():
            token, code, challenge = codes.issue(purpose=Purpose.SIGN_IN, reservist_id=person_id, backend=self.name)
            events.record(
                SIGNIN_REQUESTED,
                obj=challenge,
                after={
                    "backend": self.name,
                    "national_id": mask_national_id(national_id),
                    "client": self.context.client,
                },
            )
        self.context.challenge = token
        from .tasks import send_signin_code

        send_signin_code.delay(challenge.pk, code)

    def verify(self, code: str) -> Reservist:
        return _redeem(self, code)


class NoticeCodeBackend:
    """The verification code printed on a notice + birth date (for people without a phone or e-mail on file).
    The printed code is the second factor, so `verify()` takes it again; a wrong birth date never matches."""

    name = "notice"

    def __init__(self, context: SignInContext):
        self.context = context

    def start(self, identifiers: dict) -> None:
        printed = normalise_code(identifiers.get("verification_code", ""))
        birth_date: datetime.date = identifiers["birth_date"]
        per_client = _allowed("selfservice_signin", self.context.client)
        per_code = per_client and _allowed("selfservice_code", codes.keyed_hash("notice", printed))
        if not (per_client and per_code):
            self.context.challenge = codes.issue_token_only()
            return
        person_id = (
            Notice.objects.filter(verification_code=printed, reservist__birth_date=birth_date)
            .values_list("reservist_id", flat=True)
            .first()
        )
        with transaction.atomic():
            token, _code, challenge = codes.issue(
                purpose=Purpose.SIGN_IN, reservist_id=person_id, code=printed, backend=self.name
            )
            events.record(SIGNIN_REQUESTED, obj=challenge, after={"backend": self.name, "client": self.context.client})
        self.context.challenge = token

    def verify(self, code: str) -> Reservist:
        return _redeem(self, code)


def _redeem(backend, code: str) -> Reservist:
    outcome, challenge = codes.redeem(backend.context.challenge, code, purpose=Purpose.SIGN_IN)
    if outcome == codes.Outcome.OK:
        rows = rawsql.fetch(
            f"SELECT {rawsql.columns(Reservist, 'r')} FROM {Reservist._meta.db_table} r WHERE r.id = %s",
            [challenge.reservist_id],
        )
        if not rows:
            raise Reservist.DoesNotExist
        return rawsql.instance(Reservist, rows[0])[0]
    if challenge is not None:
        event = SIGNIN_LOCKED if outcome == codes.Outcome.LOCKED else SIGNIN_FAILED
        events.record(event, obj=challenge, after={"outcome": outcome, "client": backend.context.client})
    raise SignInFailed(locked=outcome in (codes.Outcome.LOCKED, codes.Outcome.GONE))
