"""Readiness reports: one row per generated report, kept for good (a new request makes a new report)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import Organisation, Region, TimeStampedModel
from core.scope import ScopedQuerySet
from core.storage import random_key

from .choices import ReportLanguage, ReportStatus, ScopeKind


def new_verification_code() -> str:
    # 24 random bytes: unguessable, and short enough to type from a printed page.
    return secrets.token_urlsafe(24)


class ReportQuerySet(ScopedQuerySet):
    def ready(self):
        return self.filter(status=ReportStatus.READY)

    def of_scope(self, scope_key: str):
        return self.filter(scope_key=scope_key)


def report_pdf_key(instance, filename: str) -> str:
    return random_key("reports", filename)


class Report(TimeStampedModel):
    """A readiness report for a scope (the nation, a county, an agency) as of a date.

    The figures are stored as a JSON snapshot next to the rendered PDF body, so the next report of the
    same scope can show what changed, and every download is the same document with a per-download footer.
    """

    scope_kind = models.CharField(_("scope"), max_length=10, choices=ScopeKind.choices)
    scope_key = models.CharField(
        _("scope code"), max_length=40, help_text=_('"nation", a county code (TW-NWT) or "agency:<id>".')
    )
    county = models.ForeignKey(
        Region, verbose_name=_("county"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("agency"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    as_of = models.DateField(_("as of"))
    language = models.CharField(
        _("language"), max_length=10, choices=ReportLanguage.choices, default=ReportLanguage.ZH_HANT
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by_name = models.CharField(_("requested by (name)"), max_length=150, blank=True)
    scheduled = models.BooleanField(_("scheduled"), default=False)
    job = models.ForeignKey(
        "core.Job", verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    pdf = models.FileField(_("PDF"), upload_to=report_pdf_key, blank=True)
    pages = models.PositiveIntegerField(_("pages"), default=0)
    verification_code = models.CharField(
        _("verification code"), max_length=64, unique=True, default=new_verification_code, editable=False
    )
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    previous = models.ForeignKey(
        "self",
        verbose_name=_("previous report of the same scope"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("readiness report")
        verbose_name_plural = _("readiness reports")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["scope_key", "status", "-id"], name="report_scope_status"),
            models.Index(fields=["county", "-id"], name="report_county"),
            models.Index(fields=["organisation", "-id"], name="report_organisation"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope_kind="nation", county__isnull=True, organisation__isnull=True)
                    | models.Q(scope_kind="county", county__isnull=False, organisation__isnull=True)
                    | models.Q(scope_kind="agency", county__isnull=True, organisation__isnull=False)
                ),
                name="report_scope_consistent",
            ),
            # The scheduler makes one report per scope and day; a retried beat run adds nothing.
            models.UniqueConstraint(
                fields=["scope_key", "as_of"], condition=models.Q(scheduled=True), name="report_scheduled_once"
            ),
        ]

    def __str__(self):
        return f"{self.scope_label} {self.as_of}"

    @classmethod
    def scope_filter(cls, scope):
        # Nationwide users see everything (core.scope handles that). A county report belongs to whoever
        # holds that county; a township grant does not cover a county's report. Agency reports stay with
        # their organisation.
        return models.Q(scope_kind=ScopeKind.COUNTY, county_id__in=scope.region_ids) | models.Q(
            scope_kind=ScopeKind.AGENCY, organisation_id__in=scope.organisation_ids
        )

    @property
    def scope_label(self) -> str:
        if self.scope_kind == ScopeKind.COUNTY and self.county_id:
            return self.county.name
        if self.scope_kind == ScopeKind.AGENCY and self.organisation_id:
            return str(self.organisation)
        return str(ScopeKind.NATION.label)

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY and bool(self.pdf)
