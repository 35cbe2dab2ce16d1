"""One person can't be in two places on the day: flag members who are also on another team's roster or who are
reservists that a call-up may take.

Hook for the mobilization app: if `mobilization.models` has a call-up assignment model (a candidate or notice
with a `reservist` foreign key and a `status`), a member whose national ID matches such a reservist in an open
status is flagged "assigned to a call-up"; otherwise a matching registered reservist is flagged "registered
reservist — may be called up". The reservists app can call `memberships_by_national_id()` for its side.
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


def call_up_model():
    """The mobilization model that assigns a reservist to a call-up, if the app has one; else None."""
    for name in ("Notice", "CallUpNotice", "Candidate", "CallUpCandidate"):
        try:
            model = apps.get_model("mobilization", name)
        except LookupError:
            continue
        field_names = {f.name for f in model._meta.get_fields()}
        if {"reservist", "status"} <= field_names:
            return model
    return None


def reservist_flag_expression():
    """SQL expression: CALLED_UP, RESERVIST or '' for a Member row (by national ID), set-based."""
    from reservists.models import Reservist

    is_reservist = Exists(Reservist.objects.filter(national_id=OuterRef("national_id")))
    model = call_up_model()
    whens = []
    if model is not None:
        open_call_up = model.objects.filter(reservist__national_id=OuterRef("national_id")).exclude(
            status__in=CLOSED_STATUSES
        )
        whens.append(When(Exists(open_call_up), then=Value(CALLED_UP)))
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
