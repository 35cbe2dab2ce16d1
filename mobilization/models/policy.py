"""The versioned call-up rule policy (Art. 33)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel

from .. import rules


class RulePolicyQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """The version in force on `day`: the latest effective date on or before it, the newest version on a tie."""
        return self.filter(effective_from__lte=day).order_by("-effective_from", "-version").first()


class RulePolicy(AuditedModel):
    """One version of the call-up rule parameters (Art. 33: the MND enacts the rules).

    Versions are never edited: a change is a new version with its effective date, so every decision can
    name the version it used and every version stays on record.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    effective_from = models.DateField(_("effective from"))
    temporary_cap_days = models.PositiveIntegerField(
        _("Temporary Mobilization cap in ordinary time (days in camp, cumulative)"), default=365
    )
    edu_window_years = models.PositiveSmallIntegerField(_("Educational/Duty window (years from retirement)"), default=8)
    edu_max_days = models.PositiveSmallIntegerField(_("Educational/Duty days per call-up"), default=20)
    edu_max_times = models.PositiveSmallIntegerField(_("Educational/Duty number of call-ups"), default=4)
    edu_duty_combined = models.BooleanField(_("Educational and Duty counted together"), default=True)
    rollcall_window_years = models.PositiveSmallIntegerField(_("Roll-Call window (years from retirement)"), default=8)
    rollcall_max_times = models.PositiveSmallIntegerField(_("Roll-Call number of call-ups"), default=1)
    rollcall_max_days = models.PositiveSmallIntegerField(_("Roll-Call days per call-up"), default=1)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_by_name = models.CharField(_("created by (name)"), max_length=150, blank=True)

    objects = RulePolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("call-up rule policy")
        verbose_name_plural = _("call-up rule policies")
        ordering = ["-effective_from", "-version"]
        permissions = [("check_eligibility", _("Check a reservist's call-up eligibility"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(edu_max_days__gte=1, edu_max_times__gte=1, rollcall_max_days__gte=1),
                name="policy_limits_positive",
            ),
        ]

    def __str__(self):
        return _("Version %(version)s from %(date)s") % {"version": self.version, "date": self.effective_from}

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("A policy version is never changed; publish a new version instead."))
        super().save(*args, **kwargs)

    def params(self) -> rules.PolicyParams:
        return rules.PolicyParams(
            version=self.version,
            temporary_cap_days=self.temporary_cap_days,
            edu_window_years=self.edu_window_years,
            edu_max_days=self.edu_max_days,
            edu_max_times=self.edu_max_times,
            edu_duty_combined=self.edu_duty_combined,
            rollcall_window_years=self.rollcall_window_years,
            rollcall_max_times=self.rollcall_max_times,
            rollcall_max_days=self.rollcall_max_days,
        )
