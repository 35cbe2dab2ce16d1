"""Exercise workflows: status transitions, closing, evaluations, corrective actions, the after-action report.

Views, the API and the demo call these functions; each checks permission and scope, runs in one
transaction, changes state with a guarded update and writes an audit event.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from core import events
from core.exceptions import TransitionRefused
from core.jobs import create_job, enqueue
from core.models import Job

from . import events as names
from .actions import STEPS, CompleteAction, ownerless_refusals
from .choices import ExerciseStatus, ParticipantKind
from .models import CorrectiveAction, Evaluation, Exercise, HandoverTime, Participant

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
    return reasons + [r.as_dict() for r in ownerless_refusals(exercise)]


def advance_exercise(*, user, exercise_id: int, to_status: str) -> Exercise:
    """Move an exercise one step along planning -> ready -> in progress -> evaluating -> closed.

    The steps are declared in exercises/actions.py (closing: from any open status, never while a corrective
    action has no owner)."""
    step = STEPS.get(to_status)
    if step is None:
        raise TransitionRefused(
            _("Unknown status."), [{"code": "wrong_status", "message": _("Exercises move one step at a time.")}]
        )
    exercise = Exercise.objects.filter(pk=exercise_id).first()
    if exercise is None:
        raise Http404
    step.run(user, exercise)
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


def complete_action(*, user, action_id: int, evidence: str) -> CorrectiveAction:
    """Close a corrective action; the evidence of completion is required (exercises/actions.py)."""
    action = CorrectiveAction.objects.filter(pk=action_id).first()
    if action is None:
        raise Http404
    CompleteAction().run(user, action, note=(evidence or "").strip())
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


def snapshot_handover_times(exercise: Exercise, participant: Participant) -> list[HandoverTime]:
    """Copy, per notice of the participant's requisition order, the planned and the recorded handover time."""
    rows = []
    for notice in participant.requisition.notices.select_related("resource__kind").order_by("handover_at", "number"):
        resource = notice.resource
        row, _created = HandoverTime.objects.update_or_create(
            participant=participant,
            notice=notice,
            defaults={
                "exercise": exercise,
                "notice_number": notice.number,
                "resource_label": f"{resource.kind.name_zh} {resource.registration}"[:250],
                "notice_status": notice.status,
                "planned_at": notice.handover_at,
                "handed_over_at": notice.handed_over_at,
            },
        )
        rows.append(row)
    return rows


def record_handover_times(*, user, exercise_id: int, participant_id: int) -> list[HandoverTime]:
    """Record in the drill's evaluation, per requisition notice of a participating order, the planned handover time
    against the actual one from the handover record at the point.

    Recording again refreshes the rows (a late handover entered afterwards counts); a closed exercise's record is
    final. Refused (409) while the order's notices are not issued: there is nothing to time yet."""
    _require(user, "exercises.add_evaluation")
    with transaction.atomic():
        exercise = _scoped_exercise(user, exercise_id, lock=True)
        participant = (
            Participant.objects.filter(exercise=exercise, pk=participant_id, kind=ParticipantKind.REQUISITION)
            .select_related("requisition")
            .first()
        )
        if participant is None:
            raise Http404
        ensure_can_evaluate(exercise)
        order = participant.requisition
        if order.issued_at is None:
            raise TransitionRefused(
                _("The requisition order's notices are not issued yet."),
                [{"code": "not_issued", "message": _("Issue the order's notices before timing their handovers.")}],
            )
        before = HandoverTime.objects.filter(participant=participant).count()
        rows = snapshot_handover_times(exercise, participant)
        due = [r for r in rows if r.due]
        events.record(
            names.HANDOVER_TIMES_RECORDED,
            user=user,
            obj=exercise,
            before={"recorded": before},
            after={
                "participant": participant.pk,
                "requisition": order.number,
                "notices": len(rows),
                "due": len(due),
                "handed_over": sum(1 for r in due if r.handed_over_at),
                "on_time": sum(1 for r in due if r.on_time),
            },
        )
    return rows


def request_report(*, user, exercise_id: int) -> Job:
    """Queue the after-action report / improvement plan PDF for an exercise the user can see."""
    _require(user, "exercises.view_exercise")
    from .tasks import render_after_action_report

    with transaction.atomic():
        exercise = _scoped_exercise(user, exercise_id)
        job = create_job(REPORT_JOB_KIND, user, {"exercise_id": exercise.pk}, total=1)
        events.record(names.REPORT_REQUESTED, user=user, obj=exercise, after={"job": job.pk})
        enqueue(job, render_after_action_report)
    job.refresh_from_db()
    return job


def report_jobs(exercise: Exercise):
    return Job.objects.filter(kind=REPORT_JOB_KIND, params__exercise_id=exercise.pk).order_by("-id")
