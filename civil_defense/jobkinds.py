"""The roster import's job in words, with its team's import page (core.jobs.JobKind)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind


def _roster(job, user):
    team = job.params.get("team")
    if not team:
        return None
    return job.params.get("filename") or "", reverse("civil_defense:roster-import-result", args=[team, job.pk])


KINDS = {"civil_defense.roster": JobKind(_("Roster import"), _roster)}
