"""Reviewing an order's candidates: exclude, include again, add by hand, each with its recorded reason."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import guarded_update
from reservists.models import Reservist

from .. import events
from ..choices import (
    Decision,
    OrderStatus,
)
from ..models import CallUpOrder, Candidate
from .orders import OrderAction
from .policy import policy_for
from .selection import insert_candidates, refresh_summary

REVIEW_STATUSES = {OrderStatus.SELECTED}


class ReviewCandidates(OrderAction):
    """Exclude, include or add a person while the order's selection is under review (recorded on the order)."""

    permission = "mobilization.change_candidate"
    from_states = REVIEW_STATUSES
    verb = gettext_lazy("reviewed")

    def validate(self, user, obj, *, reason: str = "", **params) -> None:
        if not (reason or "").strip():
            raise ValidationError({"reason": [_("Give the reason for the change.")]})


class SetExcluded(ReviewCandidates):
    excluded = True

    def describe(self, obj, *, candidate, **params) -> dict:
        return {"candidate": candidate.pk, "reservist": candidate.reservist_id, "excluded": candidate.excluded}

    def effect(self, user, obj, *, candidate, reason: str, **params):
        guarded_update(
            Candidate.objects.filter(pk=candidate.pk, order_id=obj.pk, excluded=not self.excluded),
            excluded=self.excluded,
            exclusion_reason=reason if self.excluded else "",
        )
        candidate.excluded = self.excluded
        candidate.exclusion_reason = reason if self.excluded else ""
        refresh_summary(obj)
        return candidate


class ExcludeCandidate(SetExcluded):
    event = events.CANDIDATE_EXCLUDED.name
    label = gettext_lazy("Exclude")
    excluded = True


class IncludeCandidate(SetExcluded):
    event = events.CANDIDATE_INCLUDED.name
    label = gettext_lazy("Include again")
    excluded = False


class AddCandidate(ReviewCandidates):
    """Add a person outside the target by hand: the engine still decides and explains their eligibility."""

    event = events.CANDIDATE_ADDED.name
    label = gettext_lazy("Add to the order")

    def validate(self, user, obj, *, reservist, reason: str = "", **params) -> None:
        super().validate(user, obj, reason=reason)
        if Candidate.objects.filter(order_id=obj.pk, reservist_id=reservist.pk).exists():
            raise ValidationError({"reservist": [_("This reservist is already a candidate of the order.")]})

    def describe(self, obj, *, reservist, **params) -> dict:
        return {"reservist": reservist.pk}

    def effect(self, user, obj, *, reservist, reason: str, **params):

        policy = policy_for(obj.report_date)
        insert_candidates(
            order_id=obj.pk,
            proposal=obj.proposal(),
            policy=policy.params(),
            overrides=obj.overrides(),
            reservist_ids=[reservist.pk],
            added_manually=True,
        )
        candidate = Candidate.objects.get(order_id=obj.pk, reservist_id=reservist.pk)
        if candidate.decision in (Decision.ELIGIBLE, Decision.LATER):
            last = Candidate.objects.filter(order_id=obj.pk).exclude(pk=candidate.pk).aggregate(m=Max("rank"))["m"]
            candidate.rank = (last or 0) + 1
        candidate.added_reason = reason
        candidate.save(update_fields=["rank", "added_reason"])
        refresh_summary(obj)
        return candidate


EXCLUDE = ExcludeCandidate()
INCLUDE = IncludeCandidate()
ADD = AddCandidate()
CANDIDATE_ACTIONS = {"exclude": EXCLUDE, "include": INCLUDE, "add": ADD}


def set_excluded(*, user, order: CallUpOrder, candidate: Candidate, excluded: bool, reason: str) -> Candidate:
    action = EXCLUDE if excluded else INCLUDE
    action.execute(user, order, note=reason, candidate=candidate, reason=reason)
    return candidate


def add_candidate(*, user, order: CallUpOrder, reservist: Reservist, reason: str) -> Candidate:
    return ADD.execute(user, order, note=reason, reservist=reservist, reason=reason)
