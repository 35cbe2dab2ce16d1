"""Shelter assignments (Art. 24) declared on core.actions: assign within capacity; move or release only with an
approval recorded by another official.

Capacity is enforced under the row lock that `Action.execute()` takes on the shelter (SELECT ... FOR UPDATE):
two officials filling the last place at the same moment are serialised, and the second is refused.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import events
from core.actions import Action, Refusal
from core.exceptions import STALE_STATE, TransitionRefused
from reservists.models import Reservist

from . import events as names
from .choices import ReleaseStatus
from .models import Shelter, ShelterAssignment, ShelterReleaseRequest

ALREADY_ASSIGNED = _("This reservist is already assigned to a shelter.")


def _full_refusal(shelter: Shelter, taken: int) -> Refusal:
    return Refusal(
        "shelter_full",
        _("%(shelter)s is full (%(taken)d of %(capacity)d places assigned).")
        % {"shelter": shelter.name, "taken": taken, "capacity": shelter.capacity},
    )


def _insert_assignment(*, user, shelter: Shelter, reservist) -> ShelterAssignment:
    """Insert under the caller's lock on the shelter; the partial unique index settles a race elsewhere."""
    try:
        with transaction.atomic():
            return ShelterAssignment.objects.create(shelter=shelter, reservist=reservist, assigned_by=user)
    except IntegrityError as exc:
        raise ValidationError({"reservist": ALREADY_ASSIGNED}) from exc


def _record_assigned(user, assignment: ShelterAssignment, *, release_request=None) -> None:
    after = {"shelter": assignment.shelter_id, "reservist": assignment.reservist_id}
    if release_request is not None:
        after["release_request"] = release_request.pk
    events.record(names.SHELTER_ASSIGNED, user=user, obj=assignment, after=after)


class AssignShelter(Action):
    """On a shelter: assign a reservist of the user's area (param `reservist`), within the shelter's capacity."""

    event = names.SHELTER_ASSIGNED.name
    label = _("Assign a reservist")
    permission = "civil_defense.add_shelterassignment"
    model = Shelter

    def guard(self, user, obj, *, reservist=None, **params):
        # A page's shelter carries its count (`with_assigned()`); execute() counts again under the lock.
        taken = getattr(obj, "assigned", None)
        if taken is None:
            taken = ShelterAssignment.objects.filter(shelter_id=obj.pk, released_at__isnull=True).count()
        if taken >= obj.capacity:
            return [_full_refusal(obj, taken)]
        if reservist is None:
            return []
        if not Reservist.objects.for_user(user).filter(pk=reservist.pk).exists():
            return [Refusal("out_of_area", _("This reservist is not in your area."), field="reservist")]
        if ShelterAssignment.objects.filter(reservist=reservist, released_at__isnull=True).exists():
            return [Refusal("already_assigned", ALREADY_ASSIGNED, field="reservist")]
        return []

    def effect(self, user, obj, *, reservist=None, **params):
        return _insert_assignment(user=user, shelter=obj, reservist=reservist)

    def event_object(self, obj, result):
        return result

    def describe(self, obj, **params) -> dict:
        return {"shelter": obj.pk}


class RequestRelease(Action):
    """On an assignment: ask to move the reservist to `target_shelter` (or release them if None). The reason is
    the note; another official decides."""

    event = names.RELEASE_REQUESTED.name
    label = _("Request a move or release")
    permission = "civil_defense.add_shelterreleaserequest"
    model = ShelterAssignment
    requires_note = True
    note_field = "reason"

    def guard(self, user, obj, *, target_shelter=None, **params):
        if obj.released_at is not None:
            return [Refusal("ended", _("This assignment has already ended."))]
        # A page's rows carry `pending_request` (one annotated query); execute() asks again under the lock.
        pending = getattr(obj, "pending_request", None)
        if pending is None:
            pending = ShelterReleaseRequest.objects.filter(assignment=obj, status=ReleaseStatus.PENDING).exists()
        if pending:
            return [Refusal("pending", _("A request for this assignment is already waiting for a decision."))]
        if target_shelter is not None and target_shelter.pk == obj.shelter_id:
            return [Refusal("same_shelter", _("Choose a different shelter."), field="target_shelter")]
        return []

    def check(self, user, obj, *, target_shelter=None, **params):
        result = super().check(user, obj, target_shelter=target_shelter, **params)
        # A target shelter outside the user's area does not exist for them.
        if result and target_shelter is not None and not self.in_scope(user, target_shelter):
            result.status, result.refusals = 404, [Refusal("scope", _("Not found."))]
        return result

    def effect(self, user, obj, *, note: str = "", target_shelter=None, **params):
        return ShelterReleaseRequest.objects.create(
            assignment=obj, target_shelter=target_shelter, reason=note.strip(), requested_by=user
        )

    def event_object(self, obj, result):
        return result

    def describe(self, obj, **params) -> dict:
        return {"shelter": obj.shelter_id, "released_at": obj.released_at}


class _DecideRelease(Action):
    permission = "civil_defense.approve_shelterreleaserequest"
    model = ShelterReleaseRequest
    from_states = {ReleaseStatus.PENDING}

    def guard(self, user, obj, **params):
        if obj.requested_by_id == user.pk:
            return [
                Refusal(
                    "four_eyes",
                    _("You made this request; someone else must decide it."),
                    status=403,
                )
            ]
        return []

    def changes(self, user, obj, *, note: str = "", **params) -> dict:
        return {"decided_by": user, "decided_at": timezone.now(), "decision_comment": note}

    def describe(self, obj, **params) -> dict:
        return {"assignment": obj.assignment_id, "target_shelter": obj.target_shelter_id}


class ApproveRelease(_DecideRelease):
    """Approve: the assignment ends now and, for a move, the reservist is assigned to the target within capacity."""

    event = names.RELEASE_APPROVED.name
    label = _("Approve")
    to_state = ReleaseStatus.APPROVED

    def effect(self, user, obj, **params):
        now = obj.decided_at or timezone.now()
        ended = ShelterAssignment.objects.filter(pk=obj.assignment_id, released_at__isnull=True).update(
            released_at=now, release_request=obj
        )
        if ended != 1:
            raise TransitionRefused(STALE_STATE)
        assignment = ShelterAssignment.objects.select_related("reservist").get(pk=obj.assignment_id)
        events.record(
            names.SHELTER_RELEASED,
            user=user,
            obj=assignment,
            before={"released_at": None},
            after={"released_at": now, "release_request": obj.pk},
        )
        if obj.target_shelter_id:
            target = Shelter.objects.select_for_update().get(pk=obj.target_shelter_id)
            taken = ShelterAssignment.objects.filter(shelter_id=target.pk, released_at__isnull=True).count()
            if taken >= target.capacity:
                refusal = _full_refusal(target, taken)
                raise TransitionRefused(refusal.message, reasons=[refusal.as_dict()])
            moved = _insert_assignment(user=user, shelter=target, reservist=assignment.reservist)
            _record_assigned(user, moved, release_request=obj)
        return obj


class RejectRelease(_DecideRelease):
    event = names.RELEASE_REJECTED.name
    label = _("Reject")
    to_state = ReleaseStatus.REJECTED


RELEASE_DECISIONS = {"approve": ApproveRelease(), "reject": RejectRelease()}
