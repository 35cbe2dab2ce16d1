"""Workflows of the call-up: rule policy versions, eligibility, orders from draft to approval, selection, review.

Each step is an Action (core/actions.py): permission first, then the state, then the guards (the user's area,
four eyes, the law), one guarded update, a named audit event (events.py) and background work on commit. The
functions below the actions are the same steps with the keyword arguments the pages, API and tasks use.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import Action, Refusal, guarded_update
from core.events import record
from core.exceptions import TransitionRefused
from core.jobs import create_job, enqueue
from core.models import Region
from core.scope import get_scope
from reservists.models import Reservist

from . import events, rules
from .choices import (
    CANCELLABLE_STATUSES,
    EDITABLE_STATUSES,
    SELECTABLE_STATUSES,
    Decision,
    MobilizationType,
    OrderStatus,
)
from .models import CallUpOrder, Candidate, RulePolicy

# ----- policy (Art. 33) ----------------------------------------------------------------------------

POLICY_FIELDS = [
    "temporary_cap_days",
    "edu_window_years",
    "edu_max_days",
    "edu_max_times",
    "edu_duty_combined",
    "rollcall_window_years",
    "rollcall_max_times",
    "rollcall_max_days",
]


def policy_for(day) -> RulePolicy:
    policy = RulePolicy.objects.in_force_on(day)
    if policy is None:  # before the first version: the law's defaults as version 1
        policy = RulePolicy.objects.order_by("effective_from", "version").first()
    if policy is None:
        # No version at all (a fresh or flushed database): the law's own parameters are version 1.
        policy, _created = RulePolicy.objects.get_or_create(
            version=1,
            defaults={
                "effective_from": datetime.date(1900, 1, 1),
                "note": "The defaults of Art. 26-28 of the enforcement rules.",
            },
        )
    return policy


def publish_policy(*, user, effective_from, note: str = "", **values) -> RulePolicy:
    """A new policy version (never an edit in place). Only mnd_admin holds `add_rulepolicy`."""
    if not user.has_perm("mobilization.add_rulepolicy"):
        raise PermissionDenied
    with transaction.atomic():
        # Serialise publishers so two admins cannot take the same version number.
        RulePolicy.objects.select_for_update().order_by("-version").first()
        version = (RulePolicy.objects.aggregate(v=Max("version"))["v"] or 0) + 1
        policy = RulePolicy(
            version=version,
            effective_from=effective_from,
            note=note,
            created_by=user,
            created_by_name=user.get_username(),
            **{k: v for k, v in values.items() if k in POLICY_FIELDS},
        )
        policy.full_clean()
        policy.save()
        record(
            events.POLICY_PUBLISHED,
            user=user,
            obj=policy,
            after={
                "version": version,
                "effective_from": effective_from,
                **{f: getattr(policy, f) for f in POLICY_FIELDS},
            },
            note=note,
        )
    return policy


# ----- one person ----------------------------------------------------------------------------------


def person_facts(reservist: Reservist) -> rules.Person:
    services = tuple(
        rules.Service(s.mobilization_type, s.start_date, s.days)
        for s in reservist.service_records.all().only("mobilization_type", "start_date", "days")
    )
    grants = tuple(
        rules.Grant(g.kind, g.basis, g.valid_from, g.valid_until)
        for g in reservist.priority_grants.all().only("kind", "basis", "valid_from", "valid_until")
    )
    return rules.Person(reservist.pk, reservist.status, reservist.retirement_date, services, grants)


def evaluate_reservist(reservist: Reservist, proposal: rules.Proposal, overrides: rules.Overrides | None = None):
    policy = policy_for(proposal.start_date)
    return rules.evaluate(person_facts(reservist), proposal, policy.params(), overrides)


# ----- orders --------------------------------------------------------------------------------------


def target_township_ids(order: CallUpOrder) -> list[int] | None:
    """Townships targeted (a county covers its townships); None = nationwide."""
    regions = list(order.target_regions.all())
    if not regions:
        return None
    ids = {r.pk for r in regions if r.level == "township"}
    counties = [r.pk for r in regions if r.level == "county"]
    if counties:
        ids |= set(Region.objects.filter(parent_id__in=counties).values_list("id", flat=True))
    return sorted(ids)


def order_area_refusals(user, order: CallUpOrder) -> list[Refusal]:
    """Staff with assigned regions act only on orders aimed entirely within them (not on nationwide ones)."""
    scope = get_scope(user)
    if scope.nation:
        return []
    regions = list(order.target_regions.all())
    if not regions:
        return [
            Refusal(
                "order.nationwide",
                _("A nationwide order can only be handled by nationwide staff."),
                status=403,
            )
        ]
    for region in regions:
        if region.pk not in scope.region_ids and region.parent_id not in scope.region_ids:
            return [Refusal("order.outside_area", _("The order targets regions outside your area."), status=403)]
    return []


def ensure_order_in_user_scope(user, order: CallUpOrder) -> None:
    refusals = order_area_refusals(user, order)
    if refusals:
        raise TransitionRefused(refusals[0].message, reasons=[r.as_dict() for r in refusals], status_code=403)


class OrderAction(Action):
    """A step of a call-up order. Regional staff act only on orders aimed within their area."""

    model = CallUpOrder
    state_code = "order.wrong_status"
    verb = ""
    within_area = True

    def state_refusal(self, obj) -> str:
        return _("An order in status “%(status)s” cannot be %(action)s.") % {
            "status": obj.get_status_display(),
            "action": self.verb,
        }

    def guard(self, user, obj, **params):
        refusals = order_area_refusals(user, obj) if self.within_area and user is not None else []
        return refusals + list(self.rules(user, obj, **params))

    def rules(self, user, obj, **params) -> list[Refusal]:
        return []


class EditOrder(OrderAction):
    """An edit of a selected or rejected order makes its selection stale: back to draft."""

    event = events.ORDER_EDITED.name
    label = gettext_lazy("Edit")
    permission = "mobilization.change_calluporder"
    from_states = EDITABLE_STATUSES
    to_state = OrderStatus.DRAFT

    def state_refusal(self, obj) -> str:
        return _("An order in status “%(status)s” can no longer be edited.") % {"status": obj.get_status_display()}

    def done(self, user, obj, **params) -> bool:
        return obj.status == OrderStatus.DRAFT


class StartSelection(OrderAction):
    event = events.ORDER_SELECTION_STARTED.name
    label = gettext_lazy("Run selection")
    permission = "mobilization.select_calluporder"
    from_states = SELECTABLE_STATUSES
    to_state = OrderStatus.SELECTING
    verb = gettext_lazy("selected")

    def effect(self, user, obj, **params):
        job = create_job("mobilization.selection", user, params={"order": obj.pk})
        CallUpOrder.objects.filter(pk=obj.pk).update(selection_job=job)
        obj.selection_job = job
        enqueue(job, select_candidates, obj.pk)
        return job

    def describe(self, obj, **params) -> dict:
        return {"selection_job": obj.selection_job_id}


class FinishSelection(OrderAction):
    """The system's step once the selection job has stored the candidates (no person, no permission)."""

    event = events.ORDER_SELECTED.name
    permission = None
    scoped = False
    anonymous_allowed = True
    within_area = False
    from_states = {OrderStatus.SELECTING}
    to_state = OrderStatus.SELECTED

    def changes(self, user, obj, *, policy, summary, **params) -> dict:
        return {"policy": policy, "summary": summary, "selected_at": timezone.now()}

    def describe(self, obj, **params) -> dict:
        return {"candidates": params.get("count"), "policy": obj.policy_id}


class FailSelection(OrderAction):
    event = events.ORDER_SELECTION_FAILED.name
    permission = None
    scoped = False
    anonymous_allowed = True
    within_area = False
    from_states = {OrderStatus.SELECTING}
    to_state = OrderStatus.FAILED


class SubmitOrder(OrderAction):
    event = events.ORDER_SUBMITTED.name
    label = gettext_lazy("Submit for approval")
    permission = "mobilization.submit_calluporder"
    from_states = {OrderStatus.SELECTED}
    to_state = OrderStatus.SUBMITTED
    verb = gettext_lazy("submitted")

    def rules(self, user, obj, **params):
        refusals = []
        if obj.mobilization_type == MobilizationType.GENERAL and not obj.order_reference.strip():
            refusals.append(
                Refusal(
                    "art25.president_order_missing",
                    _(
                        "A General Mobilization is ordered by the President: enter the President's order "
                        "reference first. The date and organisation of General Mobilization are ordered by the "
                        "President."
                    ),
                    article="25",
                    status=400,
                )
            )
        if obj.has_overrides and not obj.override_justification.strip():
            refusals.append(
                Refusal(
                    "order.override_justification",
                    _("Raised limits need a justification."),
                    article="27",
                    field="override_justification",
                    status=400,
                )
            )
        return refusals

    def changes(self, user, obj, **params) -> dict:
        return {"submitted_by": user, "submitted_at": timezone.now()}


def four_eyes_refusals(user, order: CallUpOrder) -> list[Refusal]:
    if user.pk in (order.created_by_id, order.submitted_by_id):
        return [
            Refusal(
                "order.same_person",
                _(
                    "The approver must be someone other than the person who drafted or submitted the order: "
                    "you drafted or submitted this order."
                ),
            )
        ]
    return []


class DecideOrder(OrderAction):
    """Approve or reject: an approver who neither drafted nor submitted the order (four eyes)."""

    permission = "mobilization.approve_calluporder"
    from_states = {OrderStatus.SUBMITTED}
    within_area = False

    def rules(self, user, obj, **params):
        return four_eyes_refusals(user, obj)

    def changes(self, user, obj, *, note: str = "", **params) -> dict:
        return {"decided_by": user, "decided_at": timezone.now(), "decision_comment": note}


class ApproveOrder(DecideOrder):
    event = events.ORDER_APPROVED.name
    label = gettext_lazy("Approve")
    to_state = OrderStatus.APPROVED
    verb = gettext_lazy("approved")


class RejectOrder(DecideOrder):
    event = events.ORDER_REJECTED.name
    label = gettext_lazy("Reject")
    to_state = OrderStatus.REJECTED
    verb = gettext_lazy("rejected")


class CancelOrder(OrderAction):
    event = events.ORDER_CANCELLED.name
    label = gettext_lazy("Cancel the order")
    permission = "mobilization.cancel_calluporder"
    from_states = CANCELLABLE_STATUSES
    to_state = OrderStatus.CANCELLED
    verb = gettext_lazy("cancelled")


EDIT = EditOrder()
SELECT = StartSelection()
SUBMIT = SubmitOrder()
APPROVE = ApproveOrder()
REJECT = RejectOrder()
CANCEL = CancelOrder()
# The steps a person takes on the order page (name -> action); pages and the API dispatch on these names.
ORDER_ACTIONS = {"select": SELECT, "submit": SUBMIT, "approve": APPROVE, "reject": REJECT, "cancel": CANCEL}


def mark_edited(*, user, order: CallUpOrder) -> None:
    EDIT.execute(user, order)


def start_selection(*, user, order: CallUpOrder, comment: str = ""):
    return SELECT.execute(user, order, note=comment)


def run_selection(order_id: int, job_id: int | None = None) -> int:
    """The selection itself (called by the Celery task): replace the order's candidates in one transaction."""
    from core import jobs

    from . import selection

    order = CallUpOrder.objects.get(pk=order_id)
    policy = policy_for(order.report_date)
    with transaction.atomic():
        if job_id:
            jobs.set_progress(job_id, done=0, total=2, message=_("Evaluating the target population"))
        # A new partition replaces the order's earlier candidates, indexed and analysed (selection.py).
        count = selection.store_candidates(
            order_id=order.pk,
            proposal=order.proposal(),
            policy=policy.params(),
            overrides=order.overrides(),
            townships=target_township_ids(order),
            branches=order.target_branches,
            categories=order.target_categories,
            specialties=order.target_specialties,
        )
        FinishSelection().execute(None, order, policy=policy, summary=compute_summary(order), count=count)
    return count


def selection_failed(order_id: int, error: str) -> None:
    order = CallUpOrder.objects.filter(pk=order_id).first()
    action = FailSelection()
    if order is not None and action.check(None, order):
        action.execute(None, order, note=error)


@shared_task(name="mobilization.tasks.select_candidates", acks_late=True)
def select_candidates(job_id: int, order_id: int) -> None:
    """Evaluate the order's target population and store its candidates (idempotent: it replaces them)."""
    from core import jobs

    try:
        with jobs.running(job_id):
            count = run_selection(order_id, job_id)
            jobs.set_progress(job_id, done=2, total=2, message=str(count))
    except Exception as exc:
        selection_failed(order_id, str(exc) or type(exc).__name__)
        if not eager():
            raise


def eager() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def submit(*, user, order: CallUpOrder, comment: str = "") -> None:
    SUBMIT.execute(user, order, note=comment)


def approve(*, user, order: CallUpOrder, comment: str = "") -> None:
    APPROVE.execute(user, order, note=comment)


def reject(*, user, order: CallUpOrder, comment: str = "") -> None:
    REJECT.execute(user, order, note=comment)


def cancel(*, user, order: CallUpOrder, comment: str = "") -> None:
    CANCEL.execute(user, order, note=comment)


# ----- review --------------------------------------------------------------------------------------

REVIEW_STATUSES = {OrderStatus.SELECTED}


def compute_summary(order: CallUpOrder) -> dict:
    """Counts per decision, and per township and specialty with the shortfall against the quota.

    The quota is shared between townships in proportion to how many people each one has in the target;
    a township's shortfall is its share minus the people it can supply (eligible or later, not excluded).
    """
    qs = Candidate.objects.filter(order_id=order.pk)
    avail = Q(decision__in=[Decision.ELIGIBLE, Decision.LATER], excluded=False)
    agg = {d: Count("id", filter=Q(decision=d)) for d in Decision.values}
    rows_t = list(qs.values("township_id").annotate(total=Count("id"), available=Count("id", filter=avail), **agg))
    rows_s = list(qs.values("specialty").annotate(total=Count("id"), available=Count("id", filter=avail), **agg))
    counts = {d: sum(r[d] for r in rows_t) for d in Decision.values}
    counts["total"] = sum(r["total"] for r in rows_t)
    counts["available"] = sum(r["available"] for r in rows_t)
    counts["excluded"] = qs.filter(excluded=True).count()

    def shares(rows, key):
        total = counts["total"] or 1
        out = []
        for r in rows:
            share = round(order.quota * r["total"] / total)
            out.append({**r, "share": share, "shortfall": max(0, share - r["available"])})
        # Largest shortfalls first: that is what the reviewer acts on.
        return sorted(out, key=lambda r: (-r["shortfall"], str(r[key])))

    return {
        "counts": counts,
        "quota": order.quota,
        "shortfall": max(0, order.quota - counts["available"]),
        "by_township": shares(rows_t, "township_id"),
        "by_specialty": shares(rows_s, "specialty"),
    }


def refresh_summary(order: CallUpOrder) -> None:
    order.summary = compute_summary(order)
    CallUpOrder.objects.filter(pk=order.pk).update(summary=order.summary)


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
        from . import selection

        policy = policy_for(obj.report_date)
        selection.insert_candidates(
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
