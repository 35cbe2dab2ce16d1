"""The annual programme of the MND (Art. 24, 27, 28) with its lines, and rotation leave (Art. 32).

A year's programme is a series of versions: a draft is submitted, then approved by another person with the
Executive Yuan's approval reference and date, and is fixed from then on. An amendment is a new version with its
own approval; approving it supersedes the earlier version, which stays on record. Orders name the line they
implement; a line's `key` stays the same across versions, so an amendment's approval re-points the orders.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.models import DecisionRecord, Region, TimeStampedModel
from core.scope import ScopedQuerySet
from reservists.choices import Branch, MobilizationType

from ..choices import ProgrammeStatus


class AnnualProgrammeQuerySet(ScopedQuerySet):
    def in_force(self, year: int):
        """The approved version of `year`'s programme, or None."""
        return self.filter(year=year, status=ProgrammeStatus.APPROVED).order_by("-version").first()


class AnnualProgramme(DecisionRecord, TimeStampedModel):
    """One version of a year's call-up programme (年度計畫)."""

    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1950)])
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT
    )
    amends = models.ForeignKey(
        "self", verbose_name=_("amends"), null=True, blank=True, on_delete=models.PROTECT, related_name="amendments"
    )
    note = models.TextField(_("note"), blank=True)
    approval_reference = models.CharField(_("Executive Yuan approval reference"), max_length=100, blank=True)
    approved_on = models.DateField(_("approved by the Executive Yuan on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submission_comment = models.TextField(_("submission comment"), blank=True)

    objects = AnnualProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual programme")
        verbose_name_plural = _("annual programmes")
        ordering = ["-year", "-version"]
        permissions = [
            ("submit_annualprogramme", _("Submit annual programmes for approval")),
            ("approve_annualprogramme", _("Approve or reject annual programmes")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["year", "version"], name="programme_year_version_unique"),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(status=ProgrammeStatus.APPROVED),
                name="programme_one_approved_per_year",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ProgrammeStatus.APPROVED)
                | (~models.Q(approval_reference="") & models.Q(approved_on__isnull=False)),
                name="programme_approved_has_reference",
            ),
        ]

    def __str__(self):
        return _("%(year)s programme, version %(version)s") % {"year": self.year, "version": self.version}

    @classmethod
    def scope_filter(cls, scope):
        """Regional users see the programmes with a line aimed at their area (or nationwide)."""
        lines = ProgrammeLine.objects.filter(programme_id=OuterRef("pk"))
        return models.Q(Exists(lines.filter(ProgrammeLine.scope_filter(scope))))

    @property
    def is_fixed(self) -> bool:
        return self.status != ProgrammeStatus.DRAFT


class ProgrammeLine(TimeStampedModel):
    """One line of a programme: a type, a period, the target counties, the number of people and the days."""

    programme = models.ForeignKey(
        AnnualProgramme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="lines"
    )
    key = models.CharField(
        _("line key"), max_length=20, help_text=_("Stays the same across the programme's versions, e.g. E-03.")
    )
    mobilization_type = models.CharField(_("mobilization type"), max_length=20, choices=MobilizationType.choices)
    period = models.CharField(
        _("period"), max_length=7, help_text=_("A month (2027-03) or a quarter (2027-Q1) of the programme's year.")
    )
    target_regions = models.ManyToManyField(
        Region, verbose_name=_("target counties"), blank=True, related_name="+", help_text=_("Empty: nationwide.")
    )
    specialties = ArrayField(models.CharField(max_length=20), verbose_name=_("specialties"), default=list, blank=True)
    branches = ArrayField(
        models.CharField(max_length=20, choices=Branch.choices), verbose_name=_("branches"), default=list, blank=True
    )
    number = models.PositiveIntegerField(_("number of people"), validators=[MinValueValidator(1)])
    days = models.PositiveSmallIntegerField(_("days per call-up"), validators=[MinValueValidator(1)])

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme line")
        verbose_name_plural = _("programme lines")
        ordering = ["programme", "period", "key"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="programme_line_key_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1, days__gte=1), name="programme_line_positive"),
        ]

    def __str__(self):
        return f"{self.key} {self.get_mobilization_type_display()} {self.period}"

    @classmethod
    def scope_filter(cls, scope):
        through = cls.target_regions.through
        ids = scope.region_ids | scope.enclosing_ids
        nationwide = ~Exists(through.objects.filter(programmeline_id=OuterRef("pk")))
        mine = Exists(through.objects.filter(programmeline_id=OuterRef("pk"), region_id__in=ids))
        return models.Q(nationwide) | models.Q(mine)


class RotationLeave(TimeStampedModel):
    """Rotation leave of one called-up person during a General or Temporary Mobilization (Art. 32)."""

    notice = models.ForeignKey(
        "mobilization.Notice", verbose_name=_("notice"), on_delete=models.PROTECT, related_name="leaves"
    )
    order = models.ForeignKey(
        "mobilization.CallUpOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="leaves"
    )
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    unit_key = models.CharField(
        _("reserve unit"), max_length=60, help_text=_("The unit the person serves in (or their township's group).")
    )
    period = DateRangeField(_("leave"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    scope_region_field = "township"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("rotation leave")
        verbose_name_plural = _("rotation leaves")
        ordering = ["order", "unit_key", "period"]
        constraints = [
            # One person is never on two leaves at once.
            ExclusionConstraint(
                name="leave_no_overlap_per_notice",
                expressions=[("notice", RangeOperators.EQUAL), ("period", RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self):
        return f"{self.notice_id} {self.period}"
