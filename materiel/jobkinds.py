"""The survey import's job in words, with its survey (core.jobs.JobKind)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind


def _survey(job, user):
    survey = job.params.get("survey")
    if not survey:
        return None
    return job.params.get("filename") or "", reverse("materiel:survey-detail", args=[survey])


KINDS = {"materiel.survey": JobKind(_("Materiel survey import"), _survey)}
