"""One person can't be in two places on the day: flag members who are also on another team's roster or who are
reservists that a call-up may take.

Hook for the mobilization app (`call_up_querysets`): a member whose national ID is a reservist's who is on a
call-up (an open notice, or a ranked, not excluded, not ineligible candidate of an approved/issued order) is
flagged "assigned to a call-up"; any other matching registered reservist is flagged "registered reservist —
may be called up". The reservists/mobilization side can call `memberships_by_national_id()` for its flag.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Case, CharField, Exists, OuterRef, Value, When
from django.utils.translation import gettext_lazy as _

CALLED_UP = "called_up"
RESERVIST = "reservist"
FLAG_LABELS = {
    CALLED_UP: _("Assigned to a call-up"),
    RESERVIST: _("Registered reservist — may be called up"),
}
# Statuses of a call-up assignment that no longer bind the person.
CLOSED_STATUSES = ("cancelled", "canceled", "withdrawn", "excluded", "ineligible", "rejected", "void", "postponed")


# Orders whose selected people are bound to report (mobilization.choices.OrderStatus values).
BINDING_ORDER_STATUSES = ("approved", "issuing", "issued")


def _has_fields(model, *names) -> bool:
    fields = {f.name for f in model._meta.get_fields()}
    return set(names) <= fields


def call_up_querysets() -> list:
    """Querysets of mobilization rows that put a reservist on a call-up, each filterable by
    `reservist__national_id`. Found by introspection so this app works whichever of them exist:
    - a notice (Notice / CallUpNotice) with `reservist` and `status`: any status not closed;
    - a selection candidate (Candidate) of an approved or issued order, not excluded, not ineligible, ranked.
    """
    found = []
    for name in ("Notice", "CallUpNotice"):
        try:
            model = apps.get_model("mobilization", name)
        except LookupError:
            continue
        if _has_fields(model, "reservist", "status"):
            found.append(model.objects.exclude(status__in=CLOSED_STATUSES))
    try:
        candidate = apps.get_model("mobilization", "Candidate")
    except LookupError:
        candidate = None
    if candidate is not None and _has_fields(candidate, "reservist", "order", "decision", "excluded", "rank"):
        found.append(
            candidate.objects.filter(
                order__status__in=BINDING_ORDER_STATUSES, excluded=False, rank__isnull=False
            ).exclude(decision="ineligible")
        )
    return found


def reservist_flag_expression():
    """SQL expression: CALLED_UP, RESERVIST or '' for a Member row (by national ID), set-based."""
    from reservists.models import Reservist

    is_reservist = Exists(Reservist.objects.filter(national_id=OuterRef("national_id")))
    whens = [
        When(Exists(queryset.filter(reservist__national_id=OuterRef("national_id"))), then=Value(CALLED_UP))
        for queryset in call_up_querysets()
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
