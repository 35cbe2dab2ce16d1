"""Exercise workflows: status transitions, closing, evaluations, corrective actions, the after-action report.

Views, the API and the demo call these functions; each checks permission and scope, runs in one
transaction, changes state with a guarded update and writes an audit event.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import log_event
from core.exceptions import STALE_STATE, TransitionRefused
from core.jobs import create_job, enqueue
from core.models import Job

from .choices import NEXT_STATUS, ActionStatus, ExerciseStatus
from .models import CorrectiveAction, Evaluation, Exercise

REPORT_JOB_KIND = "exercises.after_action_report"


def _require(user, perm: str) -> None:
    if not user.has_perm(perm):
        raise PermissionDenied


def _scoped_exercise(user, exercise_id: int, *, lock: bool = False) -> Exercise:
    queryset = Exercise.objects.for_user(user)
    if lock:
        queryset = queryset.select_for_update()
    try:
        return queryset.get(pk=exercise_id)
    except Exercise.DoesNotExist as exc:
        from django.http import Http404

        raise Http404 from exc


def close_refusals(exercise: Exercise) -> list[dict]:
    """Why `exercise` cannot close now (empty if it can)."""
    reasons = []
    if exercise.status == ExerciseStatus.CLOSED:
        reasons.append({"code": "wrong_status", "message": _("The exercise is already closed.")})
    ownerless = list(exercise.corrective_actions.filter(owner__isnull=True).values_list("pk", "description"))
    for pk, description in ownerless:
        reasons.append(
            {
                "code": "action_without_owner",
                "action": pk,
                "message": _("Corrective action #%(id)s (%(text)s) has no owner organisation.")
                % {"id": pk, "text": description[:40]},
            }
        )
    return reasons


@transaction.atomic
def advance_exercise(*, user, exercise_id: int, to_status: str) -> Exercise:
    """Move an exercise one step along planning -> ready -> in progress -> evaluating -> closed.

    Closing is also allowed from any earlier open status (an exercise called off, or recorded after the
    fact), but never while a corrective action has no owner: findings must have someone to fix them.
    """
    _require(user, "exercises.change_exercise")
    exercise = _scoped_exercise(user, exercise_id, lock=True)
    expected = NEXT_STATUS.get(exercise.status)
    if to_status == ExerciseStatus.CLOSED:
        reasons = close_refusals(exercise)
        if reasons:
            raise TransitionRefused(_("The exercise cannot be closed."), reasons)
    elif expected is None or to_status != expected:
        raise TransitionRefused(
            _("An exercise in status %(status)s cannot move to %(to)s.")
            % {"status": exercise.get_status_display(), "to": ExerciseStatus(to_status).label}
            if to_status in ExerciseStatus.values
            else _("Unknown status."),
            [{"code": "wrong_status", "message": _("Exercises move one step at a time.")}],
        )
    changes = {"status": to_status, "updated_at": timezone.now()}
    if to_status == ExerciseStatus.CLOSED:
        changes["closed_at"] = timezone.now()
    if Exercise.objects.filter(pk=exercise.pk, status=exercise.status).update(**changes) != 1:
        raise TransitionRefused(STALE_STATE)
    log_event(user, exercise, f"status {exercise.status} -> {to_status}")
    exercise.refresh_from_db()
    return exercise


def close_exercise(*, user, exercise_id: int) -> Exercise:
    return advance_exercise(user=user, exercise_id=exercise_id, to_status=ExerciseStatus.CLOSED)


def ensure_exercise_editable(exercise: Exercise) -> None:
    if exercise.status == ExerciseStatus.CLOSED:
        raise TransitionRefused(
            _("The exercise is closed; its plan and evaluations can no longer change."),
            [{"code": "closed", "message": _("The exercise is closed.")}],
        )


def ensure_can_evaluate(exercise: Exercise) -> None:
    # Ratings may be entered before the status is moved on (evaluators often type up afterwards),
    # but a closed exercise's record is final.
    if exercise.status == ExerciseStatus.CLOSED:
        raise TransitionRefused(
            _("The exercise is closed; its plan and evaluations can no longer change."),
            [{"code": "closed", "message": _("The exercise is closed.")}],
        )


@transaction.atomic
def complete_action(*, user, action_id: int, evidence: str) -> CorrectiveAction:
    """Close a corrective action; the evidence of completion is required."""
    _require(user, "exercises.change_correctiveaction")
    try:
        action = CorrectiveAction.objects.for_user(user).select_for_update().get(pk=action_id)
    except CorrectiveAction.DoesNotExist as exc:
        from django.http import Http404

        raise Http404 from exc
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError({"evidence": _("Give the evidence of completion to close the action.")})
    if action.status == ActionStatus.COMPLETED:
        raise TransitionRefused(_("This action is already completed."))
    updated = CorrectiveAction.objects.filter(pk=action.pk, status=action.status).update(
        status=ActionStatus.COMPLETED,
        evidence=evidence,
        completed_at=timezone.now(),
        completed_by_name=user.get_username(),
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise TransitionRefused(STALE_STATE)
    log_event(user, action, "corrective action completed")
    action.refresh_from_db()
    return action


def record_evaluation(*, user, evaluation: Evaluation) -> Evaluation:
    """Save a new evaluation by `user` (validated; the exercise must be under way or being evaluated)."""
    _require(user, "exercises.add_evaluation")
    with transaction.atomic():
        exercise = _scoped_exercise(user, evaluation.objective.exercise_id)
        ensure_can_evaluate(exercise)
        evaluation.evaluator = user
        evaluation.evaluator_name = user.get_full_name() or user.get_username()
        evaluation.full_clean()
        evaluation.save()
    return evaluation


def request_report(*, user, exercise_id: int) -> Job:
    """Queue the after-action report / improvement plan PDF for an exercise the user can see."""
    _require(user, "exercises.view_exercise")
    from .tasks import render_after_action_report

    with transaction.atomic():
        exercise = _scoped_exercise(user, exercise_id)
        job = create_job(REPORT_JOB_KIND, user, {"exercise_id": exercise.pk}, total=1)
        log_event(user, exercise, f"after-action report requested (job {job.pk})")
        enqueue(job, render_after_action_report)
    job.refresh_from_db()
    return job


def report_jobs(exercise: Exercise):
    return Job.objects.filter(kind=REPORT_JOB_KIND, params__exercise_id=exercise.pk).order_by("-id")
