"""Protection-plan workflow declared on core.actions: a draft is submitted; a level-1 asset's plan needs an MND
approver who did not submit it, the others come into force at once; a plan in force is reopened to be revised."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Refusal

from . import events as names
from .choices import AssetLevel, PlanStatus
from .models import Asset, ProtectionPlan

FOUR_EYES = _("You submitted this plan; another approver must decide on it.")


class _PlanAction(Action):
    model = ProtectionPlan

    def describe(self, obj, **params) -> dict:
        return {"asset": obj.asset_id}


class SubmitPlan(_PlanAction):
    """A draft comes into force: a level-1 asset's plan goes to an approver, the others are in force at once."""

    event = names.PLAN_SUBMITTED.name
    label = _("Submit")
    permission = "cip.change_protectionplan"
    from_states = {PlanStatus.DRAFT}
    state_message = _("Only a draft plan can be submitted.")
    to_state = PlanStatus.SUBMITTED
    requires_approval = True

    def guard(self, user, obj, **params):
        if not obj.units.exists():
            return [Refusal("no_units", _("Name at least one protecting unit before submitting."), status=400)]
        return []

    def changes(self, user, obj, **params) -> dict:
        return {"requires_approval": self.requires_approval, "submitted_by": user, "submitted_at": timezone.now()}

    def execute(self, user, obj, **params):
        # The asset's level decides the step (read inside the same transaction as the guarded update).
        if type(self) is SubmitPlan and not Asset.objects.filter(pk=obj.asset_id, level=AssetLevel.LEVEL_1).exists():
            return PutPlanInForce().execute(user, obj, **params)
        return super().execute(user, obj, **params)


class PutPlanInForce(SubmitPlan):
    """Below level 1 no approval is needed: the submitted draft is in force."""

    event = names.PLAN_IN_FORCE.name
    to_state = PlanStatus.ACTIVE
    requires_approval = False


class _DecidePlan(_PlanAction):
    permission = "cip.approve_protectionplan"
    from_states = {PlanStatus.SUBMITTED}

    def guard(self, user, obj, **params):
        if obj.submitted_by_id == user.pk:
            return [Refusal("four_eyes", FOUR_EYES, status=403)]
        return []


class ApprovePlan(_DecidePlan):
    event = names.PLAN_APPROVED.name
    label = _("Approve")
    to_state = PlanStatus.APPROVED
    state_message = _("Only a submitted plan can be approved.")

    def changes(self, user, obj, *, note: str = "", **params) -> dict:
        return {"approved_by": user, "approved_at": timezone.now(), "decision_comment": note}


class ReturnPlan(_DecidePlan):
    """The approver sends a submitted plan back to draft, saying why."""

    event = names.PLAN_RETURNED.name
    label = _("Return to draft")
    to_state = PlanStatus.DRAFT
    state_message = _("Only a submitted plan can be returned.")
    requires_note = True
    note_field = "comment"

    def changes(self, user, obj, *, note: str = "", **params) -> dict:
        return {"decision_comment": note}


class ReopenPlan(_PlanAction):
    """An approved or in-force plan is taken back to draft to be revised (and, for level 1, re-approved)."""

    event = names.PLAN_REOPENED.name
    label = _("Reopen for revision")
    permission = "cip.change_protectionplan"
    from_states = {PlanStatus.APPROVED, PlanStatus.ACTIVE}
    to_state = PlanStatus.DRAFT
    state_message = _("Only an approved or in-force plan can be reopened.")

    def changes(self, user, obj, **params) -> dict:
        return {"approved_by": None, "approved_at": None}


PLAN_ACTIONS = {"submit": SubmitPlan(), "approve": ApprovePlan(), "return": ReturnPlan(), "reopen": ReopenPlan()}
