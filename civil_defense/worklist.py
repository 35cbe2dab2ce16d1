"""What waits for a county or township official in civil defense, counted for the home page and listed by the
pages it links to: teams whose roster has a member whose training lapsed, and shelter release requests waiting
for a decision. One definition each, so the figure and the rows of its list are the same rows."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from .choices import ReleaseStatus
from .models import Member, Shelter, ShelterReleaseRequest, Team
from .training import last_trained_subquery, thresholds


def teams_with_lapsed_training(user, queryset=None):
    """Teams (in the user's area) with at least one member trained once, whose last training has lapsed. A member
    never trained is "no record", not lapsed (a newly imported roster has let nothing lapse)."""
    lapsed_before, _due = thresholds()
    lapsed = (
        Member.objects.filter(team=OuterRef("pk"))
        .annotate(last=last_trained_subquery())
        .filter(last__isnull=False, last__lte=lapsed_before)
    )
    queryset = Team.objects.for_user(user) if queryset is None else queryset
    return queryset.filter(Exists(lapsed))


def release_requests_waiting(user):
    return ShelterReleaseRequest.objects.for_user(user).filter(status=ReleaseStatus.PENDING)


def shelters_with_release_waiting(user, queryset=None):
    waiting = ShelterReleaseRequest.objects.filter(assignment__shelter=OuterRef("pk"), status=ReleaseStatus.PENDING)
    queryset = Shelter.objects.for_user(user) if queryset is None else queryset
    return queryset.filter(Exists(waiting))
