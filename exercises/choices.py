from django.db import models
from django.utils.translation import gettext_lazy as _


class ExerciseType(models.TextChoices):
    HAN_KUANG = "han_kuang", _("Han Kuang exercise")
    URBAN_RESILIENCE = "urban_resilience", _("Urban resilience exercise (all-out defense mobilization and air defense)")
    ZI_QIANG = "zi_qiang", _("Zi Qiang exercise")
    JIN_HUA = "jin_hua", _("Jin-hua drill")
    CIP_DRILL = "cip_drill", _("Critical-infrastructure protection drill")
    OTHER = "other", _("Other")


class ExerciseStatus(models.TextChoices):
    PLANNING = "planning", _("Planning")
    READY = "ready", _("Ready")
    IN_PROGRESS = "in_progress", _("In progress")
    EVALUATING = "evaluating", _("Evaluating")
    CLOSED = "closed", _("Closed")


# The only forward steps an exercise may take (a guarded update checks the old status).
NEXT_STATUS = {
    ExerciseStatus.PLANNING: ExerciseStatus.READY,
    ExerciseStatus.READY: ExerciseStatus.IN_PROGRESS,
    ExerciseStatus.IN_PROGRESS: ExerciseStatus.EVALUATING,
    ExerciseStatus.EVALUATING: ExerciseStatus.CLOSED,
}


class Rating(models.TextChoices):
    """The HSEEP-style performance ratings."""

    P = "P", _("P: performed without challenges")
    S = "S", _("S: performed with some challenges")
    M = "M", _("M: performed with major challenges")
    U = "U", _("U: unable to be performed")


class ParticipantKind(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    RESERVE_UNIT = "reserve_unit", _("Reserve unit")
    CIVIL_DEFENSE_TEAM = "civil_defense_team", _("Civil-defense team")
    CI_ASSET = "ci_asset", _("Critical-infrastructure asset")
    REQUISITION = "requisition", _("Requisition order (materiel)")


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PLAYER = "player", _("Player")
    SUPPORT = "support", _("Support")
    CONTROLLER = "controller", _("Controller")
    EVALUATOR = "evaluator", _("Evaluator")
    OBSERVER = "observer", _("Observer")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
