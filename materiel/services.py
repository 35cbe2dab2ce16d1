"""The workflows of materiel mobilization, each one `core.actions.Action` (check, guarded update, named event),
so pages, the API and commands behave alike:

survey:       submit (county) -> accept (MND) or return (MND, with a reason)
requirement:  match (propose resources nearest first) -> confirm
requisition:  draft -> submit -> approve (four-eyes) or reject -> issue (notices, once; waits on conflicts)
notice:       handover -> return (condition, compensation, damage claim); exempt, or exempt and replace
"""

from __future__ import annotations

import secrets

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Refusal
from core.scope import ensure_in_scope

from . import checks, events, matching
from .choices import (
    AllocationStatus,
    Condition,
    ConflictStatus,
    NoticeStatus,
    RequirementStatus,
    RequisitionStatus,
    SurveyStatus,
)
from .models import Allocation, Conflict, CountySurvey, Kind, Requirement, Requisition, RequisitionNotice, Resource

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed from paper
CODE_LENGTH = 16


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:32]


class NoteAction(Action):
    """An action whose update also stores the person's note (core's `changes()` does not receive it)."""

    def execute(self, user, obj, *, note: str = "", **params):
        return super().execute(user, obj, note=note, comment=str(note or ""), **params)


# ----- the survey ---------------------------------------------------------------------------------


def county_figures(county_id: int) -> dict[str, int]:
    """{kind code: active resources} of one county now."""
    return dict(
        Resource.objects.filter(township__parent_id=county_id, is_active=True)
        .values("kind__code")
        .annotate(n=Count("id"))
        .values_list("kind__code", "n")
    )


def changes_since_last_year(survey: CountySurvey) -> dict:
    """Per kind: last year's submitted figure, this year's (submitted, or now) and the difference."""
    previous = (
        CountySurvey.objects.filter(county_id=survey.county_id, cycle__year__lt=survey.cycle.year)
        .exclude(snapshot={})
        .order_by("-cycle__year")
        .first()
    )
    before = previous.snapshot if previous else {}
    now = (
        survey.snapshot
        if survey.status in (SurveyStatus.SUBMITTED, SurveyStatus.ACCEPTED)
        else county_figures(survey.county_id)
    )
    kinds = sorted(set(before) | set(now))
    names = {kind.code: kind.name for kind in Kind.objects.filter(code__in=kinds)}  # the reader's language
    rows = [
        {"kind": k, "kind_name": names.get(k, k), "last_year": before.get(k, 0), "this_year": now.get(k, 0)}
        for k in kinds
    ]
    for row in rows:
        row["change"] = row["this_year"] - row["last_year"]
    return {
        "previous_year": previous.cycle.year if previous else None,
        "total_last_year": sum(before.values()),
        "total_this_year": sum(now.values()),
        "changed": sum(abs(r["change"]) for r in rows),
        "kinds": rows,
    }


class SubmitSurvey(Action):
    event = events.SURVEY_SUBMITTED.name
    label = _("Submit the survey")
    permission = "materiel.submit_countysurvey"
    from_states = {SurveyStatus.NOT_STARTED, SurveyStatus.IN_PROGRESS}
    to_state = SurveyStatus.SUBMITTED

    def changes(self, user, obj, **params):
        return {"snapshot": county_figures(obj.county_id), "submitted_by": user, "submitted_at": timezone.now()}

    def effect(self, user, obj, **params):
        # Submitting confirms the county's inventory for the year.
        Resource.objects.filter(township__parent_id=obj.county_id, is_active=True).update(confirmed_year=obj.cycle.year)

    def describe(self, obj, **params):
        return {"snapshot": obj.snapshot}


class AcceptSurvey(NoteAction):
    event = events.SURVEY_ACCEPTED.name
    label = _("Accept")
    permission = "materiel.accept_countysurvey"
    from_states = {SurveyStatus.SUBMITTED}
    to_state = SurveyStatus.ACCEPTED

    def changes(self, user, obj, comment: str = "", **params):
        return {"accepted_by": user, "accepted_at": timezone.now(), "comment": comment}


class ReturnSurvey(NoteAction):
    event = events.SURVEY_RETURNED.name
    label = _("Return to the county")
    permission = "materiel.accept_countysurvey"
    from_states = {SurveyStatus.SUBMITTED}
    to_state = SurveyStatus.IN_PROGRESS
    requires_note = True

    def changes(self, user, obj, comment: str = "", **params):
        return {"comment": comment, "snapshot": {}, "submitted_at": None}


# ----- requirements -------------------------------------------------------------------------------


class MatchRequirement(Action):
    event = events.REQUIREMENT_MATCHED.name
    label = _("Propose resources")
    permission = "materiel.allocate_requirement"
    from_states = {RequirementStatus.OPEN, RequirementStatus.PROPOSED}
    to_state = RequirementStatus.PROPOSED

    def effect(self, user, obj, **params):
        return matching.match(obj)

    def describe(self, obj, **params):
        return {"allocations": Allocation.objects.filter(requirement=obj, status__in=matching.HOLDING).count()}


class ConfirmAllocation(Action):
    event = events.REQUIREMENT_CONFIRMED.name
    label = _("Confirm the allocation")
    permission = "materiel.allocate_requirement"
    from_states = {RequirementStatus.PROPOSED}
    to_state = RequirementStatus.CONFIRMED

    def guard(self, user, obj, **params):
        if not Allocation.objects.filter(requirement=obj, status=AllocationStatus.PROPOSED).exists():
            return [Refusal("nothing_proposed", _("No resource is proposed; run the matching first."))]
        return []

    def effect(self, user, obj, **params):
        return Allocation.objects.filter(requirement=obj, status=AllocationStatus.PROPOSED).update(
            status=AllocationStatus.CONFIRMED
        )

    def describe(self, obj, **params):
        return {
            "confirmed": Allocation.objects.filter(requirement=obj, status=AllocationStatus.CONFIRMED).count(),
        }


# ----- requisition orders -------------------------------------------------------------------------


def draft_requisition(*, user, requirement: Requirement, title: str, kind: str, purpose: str, legal_basis: str = ""):
    """A draft order for the requirement's confirmed allocations not yet in another order."""
    from django.core.exceptions import PermissionDenied, ValidationError

    if not user.has_perm("materiel.add_requisition"):
        raise PermissionDenied
    with transaction.atomic():
        requirement = Requirement.objects.for_user(user).select_for_update().get(pk=requirement.pk)
        free = Allocation.objects.filter(
            requirement=requirement, status=AllocationStatus.CONFIRMED, requisition__isnull=True
        )
        if not free.exists():
            raise ValidationError(
                {"requirement": [_("The requirement has no confirmed allocation that is not already in an order.")]}
            )
        requisition = Requisition.objects.create(
            number=f"tmp-{new_code()}",
            title=title,
            requirement=requirement,
            kind=kind,
            purpose=purpose,
            legal_basis=legal_basis or Requisition._meta.get_field("legal_basis").default,
            drafted_by=user,
        )
        requisition.number = f"MR{timezone.localdate().year - 1911}-{requisition.pk:06d}"
        Requisition.objects.filter(pk=requisition.pk).update(number=requisition.number)
        free.update(requisition=requisition)
        ensure_in_scope(user, requisition)
    return requisition


class SubmitRequisition(Action):
    event = events.REQUISITION_SUBMITTED.name
    label = _("Submit for approval")
    permission = "materiel.submit_requisition"
    from_states = {RequisitionStatus.DRAFT}
    to_state = RequisitionStatus.SUBMITTED

    def guard(self, user, obj, **params):
        if not obj.allocations.filter(status=AllocationStatus.CONFIRMED).exists():
            return [Refusal("empty", _("The order has no resource."))]
        return []

    def changes(self, user, obj, **params):
        return {"submitted_by": user, "submitted_at": timezone.now()}

    def effect(self, user, obj, **params):
        checks.refresh(obj)


class ApproveRequisition(NoteAction):
    event = events.REQUISITION_APPROVED.name
    label = _("Approve")
    permission = "materiel.approve_requisition"
    from_states = {RequisitionStatus.SUBMITTED}
    to_state = RequisitionStatus.APPROVED

    def guard(self, user, obj, **params):
        if user.pk in (obj.drafted_by_id, obj.submitted_by_id):
            return [Refusal("four_eyes", _("Another person must approve an order that you drafted or submitted."))]
        return []

    def changes(self, user, obj, comment: str = "", **params):
        return {"approved_by": user, "approved_at": timezone.now(), "decision_comment": comment}

    def effect(self, user, obj, **params):
        checks.refresh(obj)


class RejectRequisition(ApproveRequisition):
    event = events.REQUISITION_REJECTED.name
    label = _("Reject")
    to_state = RequisitionStatus.DRAFT
    requires_note = True

    def changes(self, user, obj, comment: str = "", **params):
        return {"decision_comment": comment, "submitted_at": None}

    def effect(self, user, obj, **params):
        return None


class IssueRequisition(Action):
    """One notice per resource of the order, once (the order leaves `approved` by a guarded update and a unique
    constraint holds one notice per order and resource). Waits while a conflict is neither resolved nor accepted."""

    event = events.REQUISITION_ISSUED.name
    label = _("Issue the notices")
    permission = "materiel.issue_requisition"
    from_states = {RequisitionStatus.APPROVED}
    to_state = RequisitionStatus.ISSUED

    def guard(self, user, obj, **params):
        blocking = checks.unaccepted(obj)
        if blocking:
            return [
                Refusal(
                    "conflicts",
                    _("%(n)d conflict(s) must be resolved or accepted with a reason before issuing.")
                    % {"n": len(blocking)},
                )
            ]
        return []

    def changes(self, user, obj, **params):
        return {"issued_at": timezone.now()}

    def effect(self, user, obj, **params):
        requirement = obj.requirement
        allocations = list(
            obj.allocations.filter(status=AllocationStatus.CONFIRMED)
            .select_related("resource__owner_organisation")
            .order_by("rank", "id")
        )
        notices = [
            RequisitionNotice(
                requisition=obj,
                allocation=a,
                resource=a.resource,
                number=f"{obj.number}-{i:04d}",
                verification_code=new_code(),
                owner_label=a.resource.owner_label,
                starts_on=requirement.starts_on,
                ends_on=requirement.ends_on,
                handover_point=requirement.handover_point,
                handover_at=requirement.handover_at,
            )
            for i, a in enumerate(allocations, start=1)
        ]
        RequisitionNotice.objects.bulk_create(notices)
        return len(notices)

    def describe(self, obj, **params):
        return {"notices": obj.notices.count()}


class AcceptConflict(NoteAction):
    event = events.CONFLICT_ACCEPTED.name
    label = _("Accept with a reason")
    permission = "materiel.decide_conflict"
    from_states = {ConflictStatus.OPEN}
    to_state = ConflictStatus.ACCEPTED
    requires_note = True

    def guard(self, user, obj, **params):
        if obj.requisition.status not in (RequisitionStatus.SUBMITTED, RequisitionStatus.APPROVED):
            return [Refusal("order_state", _("Conflicts are decided while the order awaits approval or issuing."))]
        return []

    def changes(self, user, obj, comment: str = "", **params):
        return {"reason": comment, "decided_by": user, "decided_at": timezone.now()}


# ----- notices: handover, return, exemption and replacement --------------------------------------


def _condition_refusals(condition) -> list[Refusal]:
    if condition not in Condition.values:
        return [Refusal("condition", _("Choose the condition of the resource."), field="condition")]
    return []


class RecordHandover(NoteAction):
    event = events.NOTICE_HANDED_OVER.name
    label = _("Record the handover")
    permission = "materiel.record_handover"
    from_states = {NoticeStatus.ISSUED}
    to_state = NoticeStatus.HANDED_OVER

    def guard(self, user, obj, **params):
        # The condition is input: checked when given (execute), not when a page asks whether to offer the form.
        return _condition_refusals(params["condition"]) if "condition" in params else []

    def changes(self, user, obj, condition=None, handed_over_at=None, comment: str = "", **params):
        return {
            "handover_condition": condition,
            "handed_over_at": handed_over_at or timezone.now(),
            "handover_note": comment,
        }

    def effect(self, user, obj, condition=None, **params):
        Resource.objects.filter(pk=obj.resource_id).update(condition=condition, updated_at=timezone.now())

    def describe(self, obj, **params):
        return {"handover_condition": obj.handover_condition, "handed_over_at": obj.handed_over_at}


class RecordReturn(RecordHandover):
    event = events.NOTICE_RETURNED.name
    label = _("Record the return")
    from_states = {NoticeStatus.HANDED_OVER}
    to_state = NoticeStatus.RETURNED

    def guard(self, user, obj, compensation_amount=None, **params):
        refusals = super().guard(user, obj, **params)
        if compensation_amount is not None and compensation_amount < 0:
            refusals.append(Refusal("compensation", _("Compensation cannot be negative."), field="compensation_amount"))
        return refusals

    def changes(
        self, user, obj, condition=None, returned_at=None, comment="", compensation_amount=None, damage_claim="", **p
    ):
        return {
            "return_condition": condition,
            "returned_at": returned_at or timezone.now(),
            "return_note": comment,
            "compensation_amount": compensation_amount,
            "damage_claim": damage_claim or "",
        }

    def effect(self, user, obj, condition=None, **params):
        Resource.objects.filter(pk=obj.resource_id).update(condition=condition, updated_at=timezone.now())
        if obj.allocation_id:
            Allocation.objects.filter(pk=obj.allocation_id).update(status=AllocationStatus.RELEASED)

    def describe(self, obj, **params):
        return {
            "return_condition": obj.return_condition,
            "returned_at": obj.returned_at,
            "compensation_amount": obj.compensation_amount,
            "damage_claim": obj.damage_claim,
        }


class ExemptNotice(NoteAction):
    """Exempt a resource from the order (免徵); with `replace`, the next nearest free resource of the same kind
    gets a new notice that names the one it replaces (遞補), as for people."""

    event = events.NOTICE_EXEMPTED.name
    label = _("Exempt")
    permission = "materiel.exempt_notice"
    from_states = {NoticeStatus.ISSUED}
    to_state = NoticeStatus.EXEMPTED
    requires_note = True

    def changes(self, user, obj, comment: str = "", **params):
        return {"exemption_reason": comment}

    def effect(self, user, obj, note: str = "", replace: bool = False, **params):
        if obj.allocation_id:
            Allocation.objects.filter(pk=obj.allocation_id).update(status=AllocationStatus.RELEASED)
        if not replace:
            return None
        requisition = obj.requisition
        requirement = requisition.requirement
        before = set(Allocation.objects.filter(requirement=requirement).values_list("pk", flat=True))
        requirement.quantity = (
            Allocation.objects.filter(requirement=requirement, status=AllocationStatus.CONFIRMED).count() + 1
        )
        matching.match(requirement, exclude=list(requisition.notices.values_list("resource_id", flat=True)))
        new = (
            Allocation.objects.filter(requirement=requirement, status=AllocationStatus.PROPOSED)
            .exclude(pk__in=before)
            .select_related("resource__owner_organisation")
            .first()
        )
        if new is None:
            return None
        Allocation.objects.filter(pk=new.pk).update(status=AllocationStatus.CONFIRMED, requisition=requisition)
        count = requisition.notices.count()
        notice = RequisitionNotice.objects.create(
            requisition=requisition,
            allocation=new,
            resource=new.resource,
            number=f"{requisition.number}-{count + 1:04d}",
            verification_code=new_code(),
            owner_label=new.resource.owner_label,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            handover_point=obj.handover_point,
            handover_at=obj.handover_at,
            replaces=obj,
        )
        events.record_replacement(user=user, old=obj, new=notice, note=note)
        return notice


def conflicts_open(requisition) -> int:
    return requisition.conflicts.filter(Q(status=ConflictStatus.OPEN)).count()


SURVEY_ACTIONS = {"submit": SubmitSurvey(), "accept": AcceptSurvey(), "return": ReturnSurvey()}
REQUIREMENT_ACTIONS = {"match": MatchRequirement(), "confirm": ConfirmAllocation()}
REQUISITION_ACTIONS = {
    "submit": SubmitRequisition(),
    "approve": ApproveRequisition(),
    "reject": RejectRequisition(),
    "issue": IssueRequisition(),
}
NOTICE_ACTIONS = {"handover": RecordHandover(), "return": RecordReturn(), "exempt": ExemptNotice()}
CONFLICT_ACCEPT = AcceptConflict()
__all__ = ["Conflict"]


def open_cycle(*, user, year: int, opens_on, closes_on) -> SurveyCycle:  # noqa: F821
    """Open a year's survey: one county survey per county, not started. Idempotent per year."""
    from django.core.exceptions import PermissionDenied

    from core.models import Region

    from .models import SurveyCycle

    if not user.has_perm("materiel.add_surveycycle"):
        raise PermissionDenied
    with transaction.atomic():
        cycle, _created = SurveyCycle.objects.get_or_create(
            year=year, defaults={"opens_on": opens_on, "closes_on": closes_on}
        )
        CountySurvey.objects.bulk_create(
            [CountySurvey(cycle=cycle, county=county) for county in Region.objects.counties()],
            ignore_conflicts=True,
        )
    return cycle
