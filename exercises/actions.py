"""Exercise workflows declared on core.actions: the exercise's steps (planning -> ready -> in progress ->
evaluating -> closed) and closing a corrective action with its evidence.

Closing is also allowed from any earlier open status (an exercise called off, or recorded after the fact), but
never while a corrective action has no owner: findings must have someone to fix them.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.actions import Action, Refusal

from . import events as names
from .choices import NEXT_STATUS, ActionStatus, ExerciseStatus
from .models import CorrectiveAction, Exercise


def ownerless_refusals(exercise: Exercise) -> list[Refusal]:
    """Corrective actions without an owner organisation: each one keeps the exercise open."""
    ownerless = exercise.corrective_actions.filter(owner__isnull=True).values_list("pk", "description")
    return [
        Refusal(
            "action_without_owner",
            _("Corrective action #%(id)s (%(text)s) has no owner organisation.") % {"id": pk, "text": description[:40]},
            extra={"action": pk},
        )
        for pk, description in ownerless
    ]


class _ExerciseStep(Action):
    model = Exercise
    permission = "exercises.change_exercise"
    state_code = "wrong_status"

    def state_refusal(self, obj) -> str:
        return _("An exercise in status %(status)s cannot move to %(to)s.") % {
            "status": obj.get_status_display(),
            "to": ExerciseStatus(self.to_state).label,
        }


def _step(to_status, event, doc):
    previous = {old for old, new in NEXT_STATUS.items() if new == to_status}
    return type(
        f"Step{to_status.title().replace('_', '')}",
        (_ExerciseStep,),
        {
            "event": event.name,
            "label": ExerciseStatus(to_status).label,
            "from_states": previous,
            "to_state": to_status,
            "__doc__": doc,
        },
    )


ReadyExercise = _step(ExerciseStatus.READY, names.EXERCISE_READIED, "Planning is done: the exercise is ready.")
StartExercise = _step(ExerciseStatus.IN_PROGRESS, names.EXERCISE_STARTED, "The exercise starts.")
EvaluateExercise = _step(ExerciseStatus.EVALUATING, names.EXERCISE_EVALUATING, "The exercise is being evaluated.")


class CloseExercise(_ExerciseStep):
    """Close from any open status, once every corrective action has an owner."""

    event = names.EXERCISE_CLOSED.name
    label = ExerciseStatus.CLOSED.label
    from_states = {s for s in ExerciseStatus.values if s != ExerciseStatus.CLOSED}
    to_state = ExerciseStatus.CLOSED
    state_message = _("The exercise is already closed.")

    def guard(self, user, obj, **params):
        return ownerless_refusals(obj)

    def changes(self, user, obj, **params) -> dict:
        return {"closed_at": timezone.now()}


STEPS = {
    ExerciseStatus.READY: ReadyExercise(),
    ExerciseStatus.IN_PROGRESS: StartExercise(),
    ExerciseStatus.EVALUATING: EvaluateExercise(),
    ExerciseStatus.CLOSED: CloseExercise(),
}


class CompleteAction(Action):
    """Close a corrective action; the evidence of completion (the note) is required."""

    event = names.ACTION_COMPLETED.name
    label = _("Close the corrective action")
    model = CorrectiveAction
    permission = "exercises.change_correctiveaction"
    from_states = {s for s in ActionStatus.values if s != ActionStatus.COMPLETED}
    to_state = ActionStatus.COMPLETED
    state_message = _("This action is already completed.")
    requires_note = True
    note_field = "evidence"

    def changes(self, user, obj, *, note: str = "", **params) -> dict:
        return {"evidence": note.strip(), "completed_at": timezone.now(), "completed_by_name": user.get_username()}

    def describe(self, obj, **params) -> dict:
        return {"exercise": obj.exercise_id}
