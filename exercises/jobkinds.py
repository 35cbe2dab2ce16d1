"""The after-action report's job in words, with its exercise (core.jobs.JobKind)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind


def _exercise(job, user):
    from .models import Exercise

    manager = Exercise.objects
    queryset = manager.for_user(user) if user is not None and hasattr(manager, "for_user") else manager.all()
    exercise = queryset.filter(pk=job.params.get("exercise_id")).first()
    if exercise is None:
        return None
    return str(exercise), reverse("exercises:detail", args=[exercise.pk])


KINDS = {"exercises.after_action_report": JobKind(_("After-action report"), _exercise)}
