"""Training status of a member, from the sessions they attended.

Rule (our choice; the issue leaves it open): a member is *current* if their last attended session is less than
`VALID_DAYS - DUE_WINDOW_DAYS` days old, *due* in the last `DUE_WINDOW_DAYS` days of the validity period, and
*lapsed* once `VALID_DAYS` have passed since; a member with no recorded session at all has *no record* (kept apart
from lapsed: a newly imported roster has not let anything lapse). Defaults: 365 and 30 days; a deployment
can change them with the settings CIVIL_DEFENSE_TRAINING_VALID_DAYS and CIVIL_DEFENSE_TRAINING_DUE_WINDOW_DAYS.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from .choices import TrainingStatus

VALID_DAYS = 365
DUE_WINDOW_DAYS = 30


def valid_days() -> int:
    return int(getattr(settings, "CIVIL_DEFENSE_TRAINING_VALID_DAYS", VALID_DAYS))


def due_window_days() -> int:
    return int(getattr(settings, "CIVIL_DEFENSE_TRAINING_DUE_WINDOW_DAYS", DUE_WINDOW_DAYS))


def thresholds(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """(lapsed_before, due_before): trained before the first is lapsed, before the second is due."""
    today = today or timezone.localdate()
    lapsed_before = today - datetime.timedelta(days=valid_days())
    due_before = lapsed_before + datetime.timedelta(days=due_window_days())
    return lapsed_before, due_before


def status_for(last_trained: datetime.date | None, today: datetime.date | None = None) -> str:
    lapsed_before, due_before = thresholds(today)
    if last_trained is None:
        return TrainingStatus.NO_RECORD
    if last_trained <= lapsed_before:
        return TrainingStatus.LAPSED
    if last_trained <= due_before:
        return TrainingStatus.DUE
    return TrainingStatus.CURRENT


def last_trained_subquery(today: datetime.date | None = None):
    """The date of a member's last attended session up to today (future sessions don't count yet)."""
    from .models import TrainingAttendance

    today = today or timezone.localdate()
    return Subquery(
        TrainingAttendance.objects.filter(member=OuterRef("pk"), session__date__lte=today)
        .order_by()
        .values("member")
        .annotate(last=Max("session__date"))
        .values("last")
    )
