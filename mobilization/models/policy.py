"""The versioned call-up rule policy (Art. 33)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.dates import reader_date
from core.models import AuditedModel

from .. import rules

# The first version's effective date, meaning "from the start" (migration 0002).
OPEN_START = datetime.date(1900, 1, 1)

# Notes the portal itself wrote into stored versions (migration 0002), translated when read.
SYSTEM_NOTES = {
    "The defaults of Art. 26-28 of the enforcement rules.": _("The defaults of Art. 26-28 of the enforcement rules."),
}


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
    # Art. 32: rotation leave during General or Temporary Mobilization, by rules the MND enacts.
    leave_max_share = models.DecimalField(
        _("Rotation leave: largest share of a unit's called-up members on leave at once"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.10"),
        # In the database too: reference data written by earlier migrations (replayed after a flush) lacks it.
        db_default=Decimal("0.10"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1"))],
    )
    leave_max_days = models.PositiveSmallIntegerField(
        _("Rotation leave: longest leave (days)"), default=3, db_default=3, validators=[MinValueValidator(1)]
    )
    leave_min_days_served = models.PositiveSmallIntegerField(
        _("Rotation leave: days served before a first leave"), default=14, db_default=14
    )
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
        if self.from_the_start:
            return _("Version %(version)s, in force from the start") % {"version": self.version}
        return _("Version %(version)s from %(date)s") % {
            "version": self.version,
            "date": reader_date(self.effective_from),
        }

    @property
    def from_the_start(self) -> bool:
        """The first version (the law's defaults) is dated 1900-01-01 to mean "always": it is shown as such."""
        return self.effective_from <= OPEN_START

    @property
    def note_display(self) -> str:
        """The note in the reader's language when it is one the portal wrote itself (the defaults' note)."""
        known = SYSTEM_NOTES.get(self.note)
        return str(known) if known is not None else self.note

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
