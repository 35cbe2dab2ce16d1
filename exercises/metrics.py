"""Scope-aware, set-based figures on exercises for the dashboard and the reports app.

Every function takes a user (or a report's `core.scope.UserScope`) and counts only what `for_user` lets them see;
each is one or two queries.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from materiel.choices import NoticeStatus

from .choices import ExerciseStatus, Rating
from .models import CorrectiveAction, Evaluation, Exercise, HandoverTime


def ratings_by_subject(user, *, year: int | None = None) -> list[dict]:
    """Per subject: how many evaluations rated P, S, M and U (and the total)."""
    queryset = Evaluation.objects.for_user(user, "exercises.view_evaluation")
    if year:
        queryset = queryset.filter(objective__exercise__start_date__year=year)
    rows = (
        queryset.values(
            subject_id=F("objective__subject_id"),
            code=F("objective__subject__code"),
            name_zh=F("objective__subject__name_zh"),
            name_en=F("objective__subject__name_en"),
        )
        .annotate(total=Count("id"), **{r: Count("id", filter=Q(rating=r)) for r in Rating.values})
        .order_by("subject_id")
    )
    return list(rows)


def action_counts(user, today: datetime.date | None = None) -> dict:
    """Open (not completed) and overdue corrective actions, and how many have no owner."""
    today = today or timezone.localdate()
    queryset = CorrectiveAction.objects.for_user(user, "exercises.view_correctiveaction").unfinished()
    return queryset.aggregate(
        open=Count("id"),
        overdue=Count("id", filter=Q(due_date__lt=today)),
        ownerless=Count("id", filter=Q(owner__isnull=True)),
    )


def overdue_by_organisation(user, today: datetime.date | None = None) -> list[dict]:
    """Overdue actions per owner organisation (ownerless ones under owner None)."""
    queryset = CorrectiveAction.objects.for_user(user, "exercises.view_correctiveaction").overdue(today)
    return list(
        queryset.values("owner_id", owner_name=F("owner__name"))
        .annotate(overdue=Count("id"))
        .order_by("-overdue", "owner_name")
    )


def overdue_by_county(user, today: datetime.date | None = None) -> list[dict]:
    """Overdue actions per county of the owner organisation (a township's organisation counts to its county)."""
    queryset = CorrectiveAction.objects.for_user(user, "exercises.view_correctiveaction").overdue(today)
    queryset = queryset.filter(owner__isnull=False).annotate(
        county_code=Coalesce("owner__region__parent__code", "owner__region__code"),
        county_name=Coalesce("owner__region__parent__name_zh", "owner__region__name_zh"),
    )
    return list(queryset.values("county_code", "county_name").annotate(overdue=Count("id")).order_by("county_code"))


def exercise_counts(user) -> dict:
    queryset = Exercise.objects.for_user(user, "exercises.view_exercise")
    return queryset.aggregate(
        total=Count("id"),
        open=Count("id", filter=~Q(status=ExerciseStatus.CLOSED)),
        in_progress=Count("id", filter=Q(status=ExerciseStatus.IN_PROGRESS)),
        evaluating=Count("id", filter=Q(status=ExerciseStatus.EVALUATING)),
    )


def last_drill_handover(user) -> dict:
    """The handover rate of the last drill: of the most recent exercise in scope whose evaluation recorded the
    handover times of a requisition order, the notices due (exempted ones are not), handed over, and handed over
    by the planned time. Two queries."""
    times = HandoverTime.objects.for_user(user, "exercises.view_exercise")
    last = (
        Exercise.objects.filter(pk__in=times.values("exercise_id"))
        .order_by("-end_date", "-id")
        .values("pk", "name", "end_date")
        .first()
    )
    if last is None:
        return {"exercise": None, "exercise_id": None, "due": 0, "handed_over": 0, "on_time": 0, "rate": None}
    figures = times.filter(exercise_id=last["pk"]).aggregate(
        due=Count("id", filter=~Q(notice_status=NoticeStatus.EXEMPTED)),
        handed_over=Count("id", filter=~Q(notice_status=NoticeStatus.EXEMPTED) & Q(handed_over_at__isnull=False)),
        on_time=Count("id", filter=~Q(notice_status=NoticeStatus.EXEMPTED) & Q(handed_over_at__lte=F("planned_at"))),
    )
    due = figures["due"]
    return {
        "exercise": last["name"],
        "exercise_id": last["pk"],
        "end_date": last["end_date"],
        **figures,
        "rate": round(100 * figures["handed_over"] / due) if due else None,
    }
