"""The readiness report's job in words, with its report page (core.jobs.JobKind)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind


def _report(job, user):
    from .models import Report

    report = Report.objects.filter(job=job).first()
    if report is None:
        return None
    return str(report), reverse("reports:detail", args=[report.pk])


KINDS = {"readiness_report": JobKind(_("Readiness report"), _report)}
