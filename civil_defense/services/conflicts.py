"""One person can't be in two places on the day: flag members who are also on another team's roster or who are
reservists that a call-up may take.

Hook for the mobilization app (`call_up_querysets`): a member whose national ID is a reservist's who is on a
call-up (see `call_up_querysets`: bound only until the service period ends, never by a closed or cancelled order) is
flagged "assigned to a call-up"; any other matching registered reservist is flagged "registered reservist —
may be called up". The reservists/mobilization side can call `memberships_by_national_id()` for its flag.
"""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, DateField, Exists, ExpressionWrapper, F, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mobilization.choices import Decision, NoticeStatus, OrderStatus
from mobilization.models import Candidate, Notice
from reservists.models import Reservist

CALLED_UP = "called_up"
RESERVIST = "reservist"
FLAG_LABELS = {
    CALLED_UP: _("Assigned to a call-up"),
    RESERVIST: _("Registered reservist — may be called up"),
}

# A positive list, so that a status added later (withdrawn, exempted, ...) binds nobody until it is named here.
# Orders whose selected people are bound to report: approved and being issued or issued; a draft binds nobody
# yet, and a closed, cancelled, rejected or failed order nobody any more.
BINDING_ORDER_STATUSES = (OrderStatus.APPROVED, OrderStatus.ISSUING, OrderStatus.ISSUED)
# Notices on their way to the person or received; an undeliverable notice is replaced by the next candidate.
BINDING_NOTICE_STATUSES = (
    NoticeStatus.ISSUED,
    NoticeStatus.SENT,
    NoticeStatus.DELIVERED,
    NoticeStatus.ACKNOWLEDGED,
)
# Before issuing, the ranked candidates of an approved order are the people it will call.
CANDIDATE_ORDER_STATUSES = (OrderStatus.APPROVED, OrderStatus.ISSUING)


def _service_ends(report_date: str, days: str):
    """The first day after the service period: report date + days (PostgreSQL date + integer)."""
    return ExpressionWrapper(F(report_date) + F(days), output_field=DateField())


def call_up_querysets(today: datetime.date | None = None) -> list:
    """Querysets of mobilization rows that bind a reservist to a call-up on `today`, each filterable by
    `reservist__national_id`:
    - a notice in a binding status, of an order still approved/issuing/issued, whose service period (the
      notice's report date, moved by an approved Art. 31 postponement, plus the order's days) has not ended;
    - before the notices exist, a ranked, not excluded, not ineligible candidate of an approved order (or one
      being issued) whose service period has not ended.
    """
    today = today or timezone.localdate()
    notices = (
        Notice.objects.filter(status__in=BINDING_NOTICE_STATUSES, order__status__in=BINDING_ORDER_STATUSES)
        .alias(service_ends=_service_ends("report_date", "order__days"))
        .filter(service_ends__gt=today)
    )
    candidates = (
        Candidate.objects.filter(order__status__in=CANDIDATE_ORDER_STATUSES, excluded=False, rank__isnull=False)
        .exclude(decision=Decision.INELIGIBLE)
        .alias(service_ends=_service_ends("order__report_date", "order__days"))
        .filter(service_ends__gt=today)
    )
    return [notices, candidates]


def reservist_flag_expression(today: datetime.date | None = None):
    """SQL expression: CALLED_UP, RESERVIST or '' for a Member row (by national ID), set-based."""
    is_reservist = Exists(Reservist.objects.filter(national_id=OuterRef("national_id")))
    whens = [
        When(Exists(queryset.filter(reservist__national_id=OuterRef("national_id"))), then=Value(CALLED_UP))
        for queryset in call_up_querysets(today)
    ]
    whens.append(When(is_reservist, then=Value(RESERVIST)))
    return Case(*whens, default=Value(""), output_field=CharField())


def memberships_by_national_id(national_ids) -> dict[str, int]:
    """For the reservists side: how many civil-defense rosters each of these national IDs is on."""
    from django.db.models import Count

    from ..models import Member

    rows = (
        Member.objects.filter(national_id__in=list(national_ids))
        .order_by()
        .values("national_id")
        .annotate(n=Count("pk"))
    )
    return {row["national_id"]: row["n"] for row in rows}


def conflicts_for(member) -> list[str]:
    """Human-readable conflicts of one member (for the detail page)."""
    from ..models import Member

    found = []
    row = Member.objects.with_flags().filter(pk=member.pk).values("in_other_team", "reservist_flag").first()
    if row and row["in_other_team"]:
        found.append(str(_("Also on another team's roster")))
    if row and row["reservist_flag"]:
        found.append(str(FLAG_LABELS[row["reservist_flag"]]))
    return found
