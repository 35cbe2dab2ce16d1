"""The account import's job in words, with its result page (core.jobs.JobKind)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind

KINDS = {
    "administration.accounts": JobKind(
        _("Account import"),
        lambda job, user: (job.params.get("filename") or "", reverse("administration:import-job", args=[job.pk])),
    )
}
