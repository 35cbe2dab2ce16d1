"""Delivery channels for notices: post (the township batch PDF), SMS and e-mail behind one interface.

`send(messages)` hands each message to the backend configured for its channel in
settings.NOTICE_DELIVERY_BACKENDS (dotted paths; default: the database backend for every channel). A backend
is any class with `send(messages: list[OutgoingMessage]) -> None` that raises on failure. The development
backend records every message in DeliveryMessage; the file backend writes one JSON object per message to the
file storage (outbox/<channel>/); the
e-mail backend sends through Django's mail settings. An SMS gateway is a backend of the same shape.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.templatetags.portal import roc_date

from ..choices import Channel, NoticeStatus
from ..models import DeliveryMessage, Notice, NoticeEvent
from .notice_pdf import verify_link, verify_url

DEFAULT_BACKEND = "mobilization.services.delivery.DatabaseBackend"


@dataclass
class OutgoingMessage:
    channel: str
    recipient: str
    body: str
    subject: str = ""
    notice_id: int | None = None
    batch_id: int | None = None


class DatabaseBackend:
    """Development and test backend: every message is a DeliveryMessage row."""

    CHUNK = 10_000

    def send(self, messages: list[OutgoingMessage]) -> None:
        """One INSERT ... SELECT FROM unnest(...) per 10,000 messages (a recall writes 100,000 at once; the ORM's
        bulk_create spent more time compiling the rows than the database spent writing them)."""
        table = DeliveryMessage._meta.db_table
        with connection.cursor() as cursor:
            for start in range(0, len(messages), self.CHUNK):
                part = messages[start : start + self.CHUNK]
                cursor.execute(
                    f"""
                    INSERT INTO {table} (channel, recipient, subject, body, notice_id, batch_id, created_at)
                    SELECT x.channel, x.recipient, x.subject, x.body, x.notice, x.batch, now()
                    FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::bigint[], %s::bigint[])
                         AS x(channel, recipient, subject, body, notice, batch)
                    """,
                    [
                        [str(m.channel) for m in part],
                        [m.recipient for m in part],
                        [m.subject or "" for m in part],
                        [m.body for m in part],
                        [m.notice_id for m in part],
                        [m.batch_id for m in part],
                    ],
                )


class FileBackend:
    """Development backend: one JSON object per message in the file storage, under outbox/<channel>/.

    One object per message, not a shared file appended to: the storage may be an object store that several
    worker hosts write at once, and an object cannot be appended to."""

    def send(self, messages: list[OutgoingMessage]) -> None:
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        for message in messages:
            at = timezone.now()
            body = json.dumps({**asdict(message), "at": at.isoformat()}, ensure_ascii=False).encode()
            key = f"outbox/{message.channel}/{at:%Y%m%dT%H%M%S}-{uuid.uuid4().hex}.json"
            default_storage.save(key, ContentFile(body))


class EmailBackend:
    """Sends e-mail through Django's configured mail backend."""

    def send(self, messages: list[OutgoingMessage]) -> None:
        from django.core.mail import EmailMessage, get_connection

        with get_connection() as conn:
            conn.send_messages(
                [EmailMessage(m.subject, m.body, settings.DEFAULT_FROM_EMAIL, [m.recipient]) for m in messages]
            )


def backend_for(channel: str):
    path = getattr(settings, "NOTICE_DELIVERY_BACKENDS", {}).get(channel, DEFAULT_BACKEND)
    return import_string(path)()


def send(messages: list[OutgoingMessage]) -> None:
    by_channel: dict[str, list[OutgoingMessage]] = {}
    for message in messages:
        by_channel.setdefault(message.channel, []).append(message)
    for channel, group in by_channel.items():
        backend_for(channel).send(group)


# ----- what is sent --------------------------------------------------------------------------------


def alert_text(notice: Notice, reissued: bool = False) -> str:
    """The SMS/e-mail text (Traditional Chinese: it goes to the person, not to a portal user)."""
    with override("zh-hant"):
        lead = _("Your call-up notice has been reissued") if reissued else _("You have a call-up notice")
        return _("%(lead)s (%(number)s): report on %(date)s at %(time)s, %(place)s. Check it at %(url)s") % {
            "lead": lead,
            "number": notice.number,
            "date": roc_date(notice.report_date),
            "time": notice.report_time.strftime("%H:%M"),
            "place": notice.assembly_point,
            "url": verify_url(notice.verification_code),
        }


def person_messages(notice: Notice, reissued: bool = False) -> list[OutgoingMessage]:
    person = notice.reservist
    text = alert_text(notice, reissued)
    out = []
    if person.phone:
        out.append(OutgoingMessage(Channel.SMS, person.phone, text, notice_id=notice.pk))
    if person.email:
        with override("zh-hant"):
            subject = _("Call-up notice %(number)s") % {"number": notice.number}
        out.append(OutgoingMessage(Channel.EMAIL, person.email, text, subject=subject, notice_id=notice.pk))
    return out


def alert_messages(rows, reissued: bool = False) -> list[OutgoingMessage]:
    """person_messages() for many notices given as rows (id, number, verification code, report date, report time,
    assembly point, phone, e-mail): the same texts, translated once and filled per person."""
    link = verify_link()
    out = []
    with override("zh-hant"):
        lead = _("Your call-up notice has been reissued") if reissued else _("You have a call-up notice")
        text = _("%(lead)s (%(number)s): report on %(date)s at %(time)s, %(place)s. Check it at %(url)s")
        subject = _("Call-up notice %(number)s")
        dates: dict = {}
        for pk, number, code, day, at, place, phone, email in rows:
            if day not in dates:
                dates[day] = roc_date(day)
            values = {
                "lead": lead,
                "number": number,
                "date": dates[day],
                "time": at.strftime("%H:%M"),
                "place": place,
                "url": link(code),
            }
            if phone:
                out.append(OutgoingMessage(Channel.SMS, phone, text % values, notice_id=pk))
            if email:
                out.append(OutgoingMessage(Channel.EMAIL, email, text % values, subject=subject % values, notice_id=pk))
    return out


def send_batch(batch, notices: list[Notice]) -> None:
    """The printed batch goes to the township office by post; each person with a phone or e-mail gets an alert.
    The notices become `sent` (only from `issued`: a notice delivered by hand already stays delivered)."""
    with override("zh-hant"):
        post = OutgoingMessage(
            Channel.POST,
            _("%(township)s office") % {"township": batch.township},
            _("%(n)s call-up notices, part %(part)s, file %(file)s")
            % {"n": len(notices), "part": batch.part, "file": batch.file.name},
            subject=_("Call-up notices for delivery"),
            batch_id=batch.pk,
        )
    messages = [post]
    for notice in notices:
        messages.extend(person_messages(notice))
    with transaction.atomic():
        send(messages)
        ids = [n.pk for n in notices]
        moved = list(Notice.objects.filter(pk__in=ids, status=NoticeStatus.ISSUED).values_list("pk", flat=True))
        Notice.objects.filter(pk__in=moved).update(
            status=NoticeStatus.SENT, status_changed_at=timezone.now(), updated_at=timezone.now()
        )
        NoticeEvent.objects.bulk_create(
            [NoticeEvent(notice_id=pk, status=NoticeStatus.SENT, event="sent", channel=Channel.POST) for pk in moved]
        )
