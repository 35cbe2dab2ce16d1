"""Each decision on a request made in self-service is sent to the person on their channels (SMS and e-mail on
file), once: a periodic task looks for decisions of the last days that have not been sent yet. The call-up's
own steps stay as they are (an approved postponement also reissues the notice, which is sent as before)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .callup import Channel, Exemption, Postponement, delivery
from .choices import DocumentPurpose
from .models import DecisionMessage

DECIDED = ("approved", "refused")
WINDOW_DAYS = 7


def _text(kind: str, number: str, approved: bool, comment: str) -> str:
    with override("zh-hant"):
        if kind == DocumentPurpose.POSTPONEMENT:
            text = (
                _("Your postponement request for notice %(number)s was approved.")
                if approved
                else _("Your postponement request for notice %(number)s was not approved.")
            )
        else:
            text = (
                _("Your exemption request for notice %(number)s was approved: the notice no longer binds you.")
                if approved
                else _("Your exemption request for notice %(number)s was not approved.")
            )
        text = text % {"number": number}
        if comment:
            text += " " + comment
        return text + " " + _("Details: %(url)s") % {"url": settings.PORTAL_PUBLIC_URL.rstrip("/") + "/my/requests/"}


def _send(person, text: str, notice_id: int) -> None:
    messages = []
    if person.phone:
        messages.append(delivery.OutgoingMessage(Channel.SMS, person.phone, text, notice_id=notice_id))
    if person.email:
        with override("zh-hant"):
            subject = _("Decision on your request")
        messages.append(
            delivery.OutgoingMessage(Channel.EMAIL, person.email, text, subject=subject, notice_id=notice_id)
        )
    if messages:
        delivery.send(messages)


def decided_requests(since):
    """(kind, request, notice, comment) of self-service requests decided since `since`."""
    postponements = Postponement.objects.filter(
        requested_by__isnull=True, status__in=DECIDED, decided_at__gte=since
    ).select_related("notice__reservist")
    exemptions = Exemption.objects.filter(
        requested_by_name__startswith="selfservice:", area__isnull=True, status__in=DECIDED, decided_at__gte=since
    ).select_related("notice__reservist")
    for p in postponements:
        yield DocumentPurpose.POSTPONEMENT, p, p.notice, p.decision_comment
    for e in exemptions:
        yield DocumentPurpose.EXEMPTION, e, e.notice, e.decision_comment


def send_decisions(now=None) -> int:
    """Send every decision not sent yet; idempotent (a unique row per decision). Returns how many were sent."""
    since = (now or timezone.now()) - datetime.timedelta(days=WINDOW_DAYS)
    sent = 0
    for kind, request, notice, comment in decided_requests(since):
        try:
            with transaction.atomic():
                DecisionMessage.objects.create(kind=kind, object_id=request.pk, status=request.status)
                _send(
                    notice.reservist,
                    _text(kind, notice.number, request.status == "approved", comment),
                    notice.pk,
                )
        except IntegrityError:  # sent already (by this task's earlier run or a concurrent one)
            continue
        sent += 1
    return sent
