"""The after-action report and improvement plan (AAR/IP) of one exercise, as a zh-Hant PDF."""

from django.db.models import Prefetch
from django.utils import timezone

from core.pdf import render_template_pdf

from .models import CorrectiveAction, Evaluation, Exercise, Objective


def report_context(exercise_id: int) -> dict:
    exercise = (
        Exercise.objects.select_related("lead_organisation")
        .prefetch_related(
            "regions",
            "participants__organisation",
            "participants__reserve_unit",
            "participants__civil_defense_team",
            "participants__ci_asset",
            Prefetch(
                "objectives",
                queryset=Objective.objects.select_related("subject").prefetch_related(
                    Prefetch("evaluations", queryset=Evaluation.objects.order_by("id"))
                ),
            ),
            Prefetch(
                "corrective_actions",
                queryset=CorrectiveAction.objects.select_related("owner", "evaluation__objective__subject"),
            ),
        )
        .get(pk=exercise_id)
    )
    today = timezone.localdate()
    return {"exercise": exercise, "today": today, "generated_at": timezone.localtime()}


def after_action_pdf(exercise_id: int) -> bytes:
    return render_template_pdf("exercises/pdf/after_action.html", report_context(exercise_id))
