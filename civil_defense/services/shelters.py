"""Shelter assignments (Art. 24): assign within capacity; move or release only with a recorded approval.

Capacity is enforced under a row lock on the shelter (SELECT ... FOR UPDATE): two officials filling the last
place at the same moment are serialised, and the second is refused.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_event
from core.exceptions import STALE_STATE, TransitionRefused
from core.scope import get_scoped_or_404

from ..choices import ReleaseStatus
from ..models import Shelter, ShelterAssignment, ShelterReleaseRequest


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _assign_locked(*, user, shelter_id: int, reservist) -> ShelterAssignment:
    """Inside a transaction: lock the shelter row, count, then insert (the caller holds the transaction)."""
    shelter = Shelter.objects.select_for_update().get(pk=shelter_id)
    taken = ShelterAssignment.objects.filter(shelter_id=shelter.pk, released_at__isnull=True).count()
    if taken >= shelter.capacity:
        raise TransitionRefused(
            _("%(shelter)s is full (%(taken)d of %(capacity)d places assigned).")
            % {"shelter": shelter.name, "taken": taken, "capacity": shelter.capacity},
            reasons=[{"code": "shelter_full", "message": _("The shelter is full.")}],
        )
    if ShelterAssignment.objects.filter(reservist=reservist, released_at__isnull=True).exists():
        raise ValidationError({"reservist": _("This reservist is already assigned to a shelter.")})
    try:
        with transaction.atomic():
            assignment = ShelterAssignment.objects.create(shelter=shelter, reservist=reservist, assigned_by=user)
    except IntegrityError as exc:  # the partial unique index: assigned elsewhere in the meantime
        raise ValidationError({"reservist": _("This reservist is already assigned to a shelter.")}) from exc
    return assignment


def assign_reservist(*, user, shelter: Shelter, reservist) -> ShelterAssignment:
    """Assign `reservist` to `shelter`; both must be within the user's area. Refused when the shelter is full."""
    from reservists.models import Reservist

    _require(user, "civil_defense.add_shelterassignment")
    with transaction.atomic():
        get_scoped_or_404(Shelter.objects, user, pk=shelter.pk)
        if not Reservist.objects.for_user(user).filter(pk=reservist.pk).exists():
            raise ValidationError({"reservist": _("This reservist is not in your area.")})
        assignment = _assign_locked(user=user, shelter_id=shelter.pk, reservist=reservist)
        log_event(user, assignment, "assigned")
    return assignment


def request_release(*, user, assignment: ShelterAssignment, reason: str, target_shelter: Shelter | None = None):
    """Ask to move an assigned reservist to `target_shelter` (or release them if None). Someone else decides."""
    _require(user, "civil_defense.add_shelterreleaserequest")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for the move.")})
    with transaction.atomic():
        assignment = get_scoped_or_404(ShelterAssignment.objects, user, pk=assignment.pk)
        if assignment.released_at is not None:
            raise TransitionRefused(_("This assignment has already ended."))
        if target_shelter is not None:
            if target_shelter.pk == assignment.shelter_id:
                raise ValidationError({"target_shelter": _("Choose a different shelter.")})
            get_scoped_or_404(Shelter.objects, user, pk=target_shelter.pk)
        if ShelterReleaseRequest.objects.filter(assignment=assignment, status=ReleaseStatus.PENDING).exists():
            raise TransitionRefused(_("A request for this assignment is already waiting for a decision."))
        request = ShelterReleaseRequest.objects.create(
            assignment=assignment, target_shelter=target_shelter, reason=reason.strip(), requested_by=user
        )
        log_event(user, request, "requested")
    return request


def decide_release(*, user, request: ShelterReleaseRequest, approve: bool, comment: str = ""):
    """Approve (the move or release happens now, within capacity) or reject. Not by the requester."""
    _require(user, "civil_defense.approve_shelterreleaserequest")
    with transaction.atomic():
        request = get_scoped_or_404(ShelterReleaseRequest.objects.select_related("assignment"), user, pk=request.pk)
        if request.requested_by_id == user.pk:
            raise TransitionRefused(
                _("You made this request; someone else must decide it."),
                reasons=[{"code": "four_eyes", "message": _("The requester cannot decide their own request.")}],
                status_code=403,
            )
        new_status = ReleaseStatus.APPROVED if approve else ReleaseStatus.REJECTED
        now = timezone.now()
        changed = ShelterReleaseRequest.objects.filter(pk=request.pk, status=ReleaseStatus.PENDING).update(
            status=new_status, decided_by=user, decided_at=now, decision_comment=comment
        )
        if changed != 1:
            raise TransitionRefused(STALE_STATE)
        if approve:
            ended = ShelterAssignment.objects.filter(pk=request.assignment_id, released_at__isnull=True).update(
                released_at=now, release_request=request
            )
            if ended != 1:
                raise TransitionRefused(STALE_STATE)
            if request.target_shelter_id:
                _assign_locked(user=user, shelter_id=request.target_shelter_id, reservist=request.assignment.reservist)
        request.refresh_from_db()
        log_event(user, request, f"{new_status}: {comment}".strip())
    return request
