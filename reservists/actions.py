"""Registry workflows declared on core.actions: residence moves (Art. 24).

A township office files a move; an MND approver (never the person who filed it in the system's eyes: the
permission is the approver's alone) approves or rejects it. Only an approval moves the reservist.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import events
from core.actions import Action, Refusal
from core.choices import RegionLevel
from core.exceptions import TransitionRefused

from . import events as names
from .choices import MoveStatus
from .models import Reservist, ResidenceMove
from .signals import announce


class FileMove(Action):
    """On a reservist: ask the MND to move their residence to another township (params: to_township, reason,
    new_address). The event is about the new request."""

    event = names.MOVE_REQUESTED.name
    label = _("Request a residence move")
    permission = "reservists.add_residencemove"
    model = Reservist

    def guard(self, user, obj, *, to_township=None, reason: str = "", **params):
        refusals = []
        if to_township is not None and to_township.level != RegionLevel.TOWNSHIP:
            refusals.append(Refusal("not_township", _("Choose a township, not a county."), field="to_township"))
        elif to_township is not None and to_township.pk == obj.township_id:
            refusals.append(
                Refusal("same_township", _("The reservist already lives in this township."), field="to_township")
            )
        elif (
            to_township is not None and ResidenceMove.objects.filter(reservist=obj, status=MoveStatus.PENDING).exists()
        ):
            refusals.append(
                Refusal(
                    "move_pending",
                    _("A move of this reservist is already waiting for a decision."),
                    article="24",
                    field="to_township",
                )
            )
        if to_township is not None and not str(reason or "").strip():
            refusals.append(Refusal("reason_required", _("Give the reason for the move."), field="reason"))
        return refusals

    def effect(self, user, obj, *, to_township=None, reason: str = "", new_address: str = "", **params):
        return ResidenceMove.objects.create(
            reservist=obj,
            from_township_id=obj.township_id,
            to_township=to_township,
            new_address=new_address,
            reason=reason,
            requested_by=user,
        )

    def event_object(self, obj, result):
        return result

    def describe(self, obj, **params) -> dict:
        return {"township": obj.township_id}


class _DecideMove(Action):
    permission = "reservists.decide_residencemove"
    model = ResidenceMove
    from_states = {MoveStatus.PENDING}
    state_code = "not_pending"
    state_article = "24"
    state_message = _("Only a pending move can be decided.")

    def changes(self, user, obj, **params) -> dict:
        return {"decided_by": user, "decided_at": timezone.now(), "decision_comment": params.get("note", "")}

    def describe(self, obj, **params) -> dict:
        return {"reservist": obj.reservist_id, "from_township": obj.from_township_id, "to_township": obj.to_township_id}


class ApproveMove(_DecideMove):
    """Approve a pending move: the reservist moves to the new township (and address) in the same transaction."""

    event = names.MOVE_APPROVED.name
    label = _("Approve")
    to_state = MoveStatus.APPROVED

    def effect(self, user, obj, **params):
        updates = {"township_id": obj.to_township_id, "updated_at": timezone.now()}
        if obj.new_address:
            updates["address"] = obj.new_address
        moved = Reservist.objects.filter(pk=obj.reservist_id, township_id=obj.from_township_id).update(**updates)
        if moved != 1:
            raise TransitionRefused(
                _("The reservist no longer lives in the township the move starts from."),
                [
                    {
                        "article": "24",
                        "code": "moved_meanwhile",
                        "message": _("File a new move from the current township."),
                    }
                ],
                status_code=409,
            )
        reservist = Reservist.objects.get(pk=obj.reservist_id)
        events.record(
            names.RESERVIST_MOVED,
            user=user,
            obj=reservist,
            before={"township": obj.from_township_id},
            after={"township": obj.to_township_id, "move": obj.pk},
        )
        # Notices of orders this person no longer belongs to are released and replaced (mobilization listens).
        announce([obj.reservist_id], cause="moved", user=user)
        return obj


class RejectMove(_DecideMove):
    """Reject a pending move, saying why."""

    event = names.MOVE_REJECTED.name
    label = _("Reject")
    to_state = MoveStatus.REJECTED
    requires_note = True
    note_field = "decision_comment"

    def effect(self, user, obj, **params):
        return obj


MOVE_DECISIONS = {"approve": ApproveMove(), "reject": RejectMove()}
