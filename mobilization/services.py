"""Workflows of the call-up: rule policy versions, eligibility, orders from draft to approval, selection, review.

Each workflow checks permission, runs in a transaction, changes state with a guarded update, writes an
audit event with its comment, and schedules background work on commit (STYLE.md).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_event
from core.exceptions import STALE_STATE, TransitionRefused
from core.jobs import create_job, enqueue
from core.models import Region
from core.scope import get_scope
from reservists.models import Reservist

from . import rules
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
        log_event(
            user, policy, _("Policy version %(v)s published, effective %(d)s") % {"v": version, "d": effective_from}
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


def ensure_order_in_user_scope(user, order: CallUpOrder) -> None:
    """Staff with assigned regions act only on orders aimed entirely within them (not on nationwide ones)."""
    scope = get_scope(user)
    if scope.nation:
        return
    regions = list(order.target_regions.all())
    if not regions:
        raise TransitionRefused(_("A nationwide order can only be handled by nationwide staff."), status_code=403)
    for region in regions:
        if region.pk not in scope.region_ids and region.parent_id not in scope.region_ids:
            raise TransitionRefused(_("The order targets regions outside your area."), status_code=403)


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _transition(order: CallUpOrder, old: set | str, new: str, **changes) -> None:
    """Guarded update: exactly one row moves from an allowed state to `new`, or nothing changes."""
    allowed = {old} if isinstance(old, str) else set(old)
    changed = CallUpOrder.objects.filter(pk=order.pk, status__in=allowed).update(
        status=new, updated_at=timezone.now(), **changes
    )
    if changed != 1:
        raise TransitionRefused(STALE_STATE)
    order.status = new
    for key, value in changes.items():
        setattr(order, key, value)


def _refuse_unless(order: CallUpOrder, allowed, action: str) -> None:
    if order.status not in allowed:
        raise TransitionRefused(
            _("An order in status “%(status)s” cannot be %(action)s.")
            % {"status": order.get_status_display(), "action": action},
            reasons=[{"article": None, "item": None, "code": "order.wrong_status", "message": order.status}],
        )


def mark_edited(*, user, order: CallUpOrder) -> None:
    """An edit of a selected or rejected order makes its selection stale: back to draft."""
    if order.status not in EDITABLE_STATUSES:
        raise TransitionRefused(
            _("An order in status “%(status)s” can no longer be edited.") % {"status": order.get_status_display()}
        )
    if order.status != OrderStatus.DRAFT:
        _transition(order, order.status, OrderStatus.DRAFT)
        log_event(user, order, _("Edited; back to draft"))


def start_selection(*, user, order: CallUpOrder, comment: str = ""):
    _require(user, "mobilization.select_calluporder")
    ensure_order_in_user_scope(user, order)
    _refuse_unless(order, SELECTABLE_STATUSES, _("selected"))
    from .tasks import select_candidates

    with transaction.atomic():
        job = create_job("mobilization.selection", user, params={"order": order.pk})
        _transition(order, order.status, OrderStatus.SELECTING, selection_job=job)
        log_event(user, order, comment or _("Selection started"), after={"status": OrderStatus.SELECTING})
        enqueue(job, select_candidates, order.pk)
    return job


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
        summary = compute_summary(order)
        changed = CallUpOrder.objects.filter(pk=order.pk, status=OrderStatus.SELECTING).update(
            status=OrderStatus.SELECTED,
            policy=policy,
            summary=summary,
            selected_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if changed != 1:
            raise TransitionRefused(STALE_STATE)
        log_event(None, order, _("Selection finished: %(n)s candidates") % {"n": count}, after={"status": "selected"})
    return count


def selection_failed(order_id: int, error: str) -> None:
    order = CallUpOrder.objects.filter(pk=order_id).first()
    if order is None:
        return
    if CallUpOrder.objects.filter(pk=order_id, status=OrderStatus.SELECTING).update(status=OrderStatus.FAILED):
        log_event(None, order, _("Selection failed: %(e)s") % {"e": error}, after={"status": "failed"})


def submit(*, user, order: CallUpOrder, comment: str = "") -> None:
    _require(user, "mobilization.submit_calluporder")
    ensure_order_in_user_scope(user, order)
    _refuse_unless(order, {OrderStatus.SELECTED}, _("submitted"))
    if order.mobilization_type == MobilizationType.GENERAL and not order.order_reference.strip():
        raise TransitionRefused(
            _("A General Mobilization is ordered by the President: enter the President's order reference first."),
            reasons=[
                {
                    "article": "25",
                    "item": None,
                    "code": "art25.president_order_missing",
                    "message": _("The date and organisation of General Mobilization are ordered by the President."),
                }
            ],
            status_code=400,
        )
    if order.has_overrides and not order.override_justification.strip():
        raise TransitionRefused(_("Raised limits need a justification."), status_code=400)
    with transaction.atomic():
        _transition(order, OrderStatus.SELECTED, OrderStatus.SUBMITTED, submitted_by=user, submitted_at=timezone.now())
        log_event(user, order, comment or _("Submitted for approval"), after={"status": "submitted"})


def _four_eyes(user, order: CallUpOrder) -> None:
    if user.pk in (order.created_by_id, order.submitted_by_id):
        raise TransitionRefused(
            _("The approver must be someone other than the person who drafted or submitted the order."),
            reasons=[
                {
                    "article": None,
                    "item": None,
                    "code": "order.same_person",
                    "message": _("You drafted or submitted this order."),
                }
            ],
            status_code=409,
        )


def approve(*, user, order: CallUpOrder, comment: str = "") -> None:
    _four_eyes(user, order)
    _require(user, "mobilization.approve_calluporder")
    _refuse_unless(order, {OrderStatus.SUBMITTED}, _("approved"))
    with transaction.atomic():
        _transition(
            order,
            OrderStatus.SUBMITTED,
            OrderStatus.APPROVED,
            decided_by=user,
            decided_at=timezone.now(),
            decision_comment=comment,
        )
        log_event(user, order, comment or _("Approved"), after={"status": "approved"})


def reject(*, user, order: CallUpOrder, comment: str = "") -> None:
    _four_eyes(user, order)
    _require(user, "mobilization.approve_calluporder")
    _refuse_unless(order, {OrderStatus.SUBMITTED}, _("rejected"))
    with transaction.atomic():
        _transition(
            order,
            OrderStatus.SUBMITTED,
            OrderStatus.REJECTED,
            decided_by=user,
            decided_at=timezone.now(),
            decision_comment=comment,
        )
        log_event(user, order, comment or _("Rejected"), after={"status": "rejected"})


def cancel(*, user, order: CallUpOrder, comment: str = "") -> None:
    _require(user, "mobilization.cancel_calluporder")
    ensure_order_in_user_scope(user, order)
    _refuse_unless(order, CANCELLABLE_STATUSES, _("cancelled"))
    with transaction.atomic():
        _transition(order, CANCELLABLE_STATUSES, OrderStatus.CANCELLED)
        log_event(user, order, comment or _("Cancelled"), after={"status": "cancelled"})


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


def visible_summary(user, order) -> dict:
    """The stored summary for nationwide readers; for regional ones, only their townships' rows and totals (the
    page and the API alike: a figure never counts people outside the reader's scope)."""
    summary = order.summary or {}
    if not summary or get_scope(user).nation:
        return summary
    ids = get_scope(user).region_ids
    towns = [row for row in summary.get("by_township", []) if row["township_id"] in ids]
    counts = {d: sum(r[d] for r in towns) for d in Decision.values}
    counts.update(total=sum(r["total"] for r in towns), available=sum(r["available"] for r in towns), excluded=None)
    return {"counts": counts, "quota": summary.get("quota"), "by_township": towns, "by_specialty": []}


def refresh_summary(order: CallUpOrder) -> None:
    order.summary = compute_summary(order)
    CallUpOrder.objects.filter(pk=order.pk).update(summary=order.summary)


def set_excluded(*, user, order: CallUpOrder, candidate: Candidate, excluded: bool, reason: str) -> Candidate:
    _require(user, "mobilization.change_candidate")
    ensure_order_in_user_scope(user, order)
    _refuse_unless(order, REVIEW_STATUSES, _("reviewed"))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the change.")]})
    with transaction.atomic():
        changed = Candidate.objects.filter(pk=candidate.pk, order_id=order.pk, excluded=not excluded).update(
            excluded=excluded, exclusion_reason=reason if excluded else ""
        )
        if changed != 1:
            raise TransitionRefused(STALE_STATE)
        candidate.excluded = excluded
        candidate.exclusion_reason = reason if excluded else ""
        message = _("Excluded reservist %(id)s: %(r)s") if excluded else _("Re-included reservist %(id)s: %(r)s")
        log_event(user, order, message % {"id": candidate.reservist_id, "r": reason}, after={"candidate": candidate.pk})
        refresh_summary(order)
    return candidate


def add_candidate(*, user, order: CallUpOrder, reservist: Reservist, reason: str) -> Candidate:
    """Add a person outside the target by hand: the engine still decides and explains their eligibility."""
    from . import selection

    _require(user, "mobilization.change_candidate")
    ensure_order_in_user_scope(user, order)
    _refuse_unless(order, REVIEW_STATUSES, _("reviewed"))
    if not reason.strip():
        raise ValidationError({"reason": [_("Give the reason for the change.")]})
    if Candidate.objects.filter(order_id=order.pk, reservist_id=reservist.pk).exists():
        raise ValidationError({"reservist": [_("This reservist is already a candidate of the order.")]})
    policy = policy_for(order.report_date)
    with transaction.atomic():
        selection.insert_candidates(
            order_id=order.pk,
            proposal=order.proposal(),
            policy=policy.params(),
            overrides=order.overrides(),
            reservist_ids=[reservist.pk],
            added_manually=True,
        )
        candidate = Candidate.objects.get(order_id=order.pk, reservist_id=reservist.pk)
        if candidate.decision in (Decision.ELIGIBLE, Decision.LATER):
            last = Candidate.objects.filter(order_id=order.pk).exclude(pk=candidate.pk).aggregate(m=Max("rank"))["m"]
            candidate.rank = (last or 0) + 1
        candidate.added_reason = reason
        candidate.save(update_fields=["rank", "added_reason"])
        log_event(user, order, _("Added reservist %(id)s by hand: %(r)s") % {"id": reservist.pk, "r": reason})
        refresh_summary(order)
    return candidate
