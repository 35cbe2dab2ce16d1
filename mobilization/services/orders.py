"""Steps of a call-up order: edit, submit, approve or reject (four eyes), cancel.

Each step is an Action (core/actions.py): permission first, then the state, then the guards (the user's area,
four eyes, the law), one guarded update, a named audit event (mobilization/events.py). The functions at the end
are the same steps with the keyword arguments the pages, the API and the tests use.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.actions import Action, Refusal
from core.exceptions import TransitionRefused
from core.scope import get_scope

from .. import events
from ..choices import (
    CANCELLABLE_STATUSES,
    EDITABLE_STATUSES,
    MobilizationType,
    OrderStatus,
)
from ..models import CallUpOrder


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

    def changes(self, user, obj, *, note: str = "", **params) -> dict:
        return {"submitted_by": user, "submitted_at": timezone.now(), "submission_comment": note or ""}


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
    # Irreversible for this version of the order: the approver says why (the reason is the event's note).
    requires_note = True
    note_field = "reason"


class CancelOrder(OrderAction):
    event = events.ORDER_CANCELLED.name
    label = gettext_lazy("Cancel the order")
    permission = "mobilization.cancel_calluporder"
    from_states = CANCELLABLE_STATUSES
    to_state = OrderStatus.CANCELLED
    verb = gettext_lazy("cancelled")
    # Irreversible: a reason is required and goes into the audit event as its note.
    requires_note = True
    note_field = "reason"


EDIT = EditOrder()
SUBMIT = SubmitOrder()
APPROVE = ApproveOrder()
REJECT = RejectOrder()
CANCEL = CancelOrder()


def mark_edited(*, user, order: CallUpOrder) -> None:
    EDIT.execute(user, order)


def submit(*, user, order: CallUpOrder, comment: str = "") -> None:
    SUBMIT.execute(user, order, note=comment)


def approve(*, user, order: CallUpOrder, comment: str = "") -> None:
    APPROVE.execute(user, order, note=comment)


def reject(*, user, order: CallUpOrder, comment: str = "") -> None:
    REJECT.execute(user, order, note=comment)


def cancel(*, user, order: CallUpOrder, comment: str = "") -> None:
    CANCEL.execute(user, order, note=comment)
