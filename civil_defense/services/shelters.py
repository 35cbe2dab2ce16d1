"""Shelter assignments (Art. 24): the service functions the pages, the API and the demo call.

The steps themselves are declared once in civil_defense/actions.py (core.actions): assign within capacity;
move or release only with an approval recorded by another official.
"""

from __future__ import annotations

from ..actions import ApproveRelease, AssignShelter, RejectRelease, RequestRelease
from ..models import Shelter, ShelterAssignment, ShelterReleaseRequest


def assign_reservist(*, user, shelter: Shelter, reservist) -> ShelterAssignment:
    """Assign `reservist` to `shelter`; both must be within the user's area. Refused when the shelter is full."""
    return AssignShelter().run(user, shelter, reservist=reservist)


def request_release(*, user, assignment: ShelterAssignment, reason: str, target_shelter: Shelter | None = None):
    """Ask to move an assigned reservist to `target_shelter` (or release them if None). Someone else decides."""
    return RequestRelease().run(user, assignment, note=reason or "", target_shelter=target_shelter)


def decide_release(*, user, request: ShelterReleaseRequest, approve: bool, comment: str = ""):
    """Approve (the move or release happens now, within capacity) or reject. Not by the requester."""
    action = ApproveRelease() if approve else RejectRelease()
    action.run(user, request, note=comment)
    request.refresh_from_db()
    return request
