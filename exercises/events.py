"""The named audit events of exercises (core/events.py)."""

from django.utils.translation import gettext_lazy as _

from core.events import register

EXERCISE_READIED = register("exercises.exercise.readied", _("Exercise ready"))
EXERCISE_STARTED = register("exercises.exercise.started", _("Exercise started"))
EXERCISE_EVALUATING = register("exercises.exercise.evaluating", _("Exercise under evaluation"))
EXERCISE_CLOSED = register("exercises.exercise.closed", _("Exercise closed"))
REPORT_REQUESTED = register("exercises.report.requested", _("After-action report requested"))
ACTION_COMPLETED = register("exercises.action.completed", _("Corrective action completed"))
HANDOVER_TIMES_RECORDED = register(
    "exercises.handover_times.recorded", _("Drill handover times recorded from the requisition notices")
)
