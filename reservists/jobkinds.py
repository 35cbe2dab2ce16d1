"""The registry's import jobs in words, with their result page (core.jobs.JobKind)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind


def _import(job, user):
    return job.params.get("filename") or "", reverse("reservists:import-job", args=[job.pk])


KINDS = {
    "reservists.import": JobKind(_("Reservist import"), _import),
    "reservists.import_service_records": JobKind(_("Service record import"), _import),
}
