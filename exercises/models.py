"""Exercises and drills: their subjects, objectives, participants, evaluations and corrective actions.

Scope: an exercise touches one or more regions (counties or townships). A county official sees the
exercises touching their county or its townships; an agency sees the exercises it leads, takes part in
or owns an action of. The filters are `pk IN (subquery)` over the join tables, never a join on the
outer query, so lists, counts and reports never see duplicates and never need DISTINCT.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, Organisation, Region, TimeStampedModel
from core.scope import ScopedQuerySet
from materiel.choices import NoticeStatus, Purpose
from materiel.models import Requisition, RequisitionNotice

from .choices import ActionStatus, ExerciseStatus, ExerciseType, ParticipantKind, ParticipantRole, Rating


def _regions_of_scope(scope) -> models.Q:
    """Exercise regions a region-scoped user sees: their regions, and the counties of their townships."""
    ids = scope.region_ids
    return models.Q(region_id__in=ids) | models.Q(
        region_id__in=Region.objects.filter(children__id__in=ids).values("id")
    )


class Subject(BilingualNameMixin, TimeStampedModel):
    """An exercise subject: the chapter 5 subjects ship as data; staff may add custom ones."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    builtin = models.BooleanField(_("shipped with the portal"), default=False)
    timed = models.BooleanField(
        _("timed"), default=False, help_text=_("Evaluations record when it was ordered and when it was done.")
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("exercise subject")
        verbose_name_plural = _("exercise subjects")
        ordering = ["-builtin", "id"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return models.Q()  # reference data: everyone with the view permission reads every subject


class ExerciseQuerySet(ScopedQuerySet):
    def open(self):
        return self.exclude(status=ExerciseStatus.CLOSED)


class Exercise(TimeStampedModel):
    """One exercise or drill (Han Kuang, urban resilience, Zi Qiang, Jin-hua, a CIP drill...)."""

    exercise_type = models.CharField(_("type"), max_length=30, choices=ExerciseType.choices)
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), related_name="exercises")
    lead_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_exercises",
    )
    scenario = models.TextField(_("scenario"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ExerciseStatus.choices, default=ExerciseStatus.PLANNING
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        verbose_name = _("exercise")
        verbose_name_plural = _("exercises")
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["status", "start_date"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")), name="exercise_dates"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The exercise cannot end before it starts.")})

    @classmethod
    def scope_filter(cls, scope) -> models.Q:
        q = models.Q(pk__in=[])
        if scope.region_ids:
            q |= models.Q(pk__in=cls.regions.through.objects.filter(_regions_of_scope(scope)).values("exercise_id"))
        if scope.organisation_ids:
            orgs = scope.organisation_ids
            q |= models.Q(lead_organisation__in=orgs)
            q |= models.Q(pk__in=Participant.objects.filter(organisation__in=orgs).values("exercise_id"))
            q |= models.Q(pk__in=CorrectiveAction.objects.filter(owner__in=orgs).values("exercise_id"))
        return q

    def get_absolute_url(self):
        return reverse("exercises:detail", args=[self.pk])

    @property
    def editable(self) -> bool:
        return self.status != ExerciseStatus.CLOSED


def _exercise_in_scope(scope, path: str = "exercise") -> models.Q:
    return models.Q(**{f"{path}__in": Exercise.objects.filter(Exercise.scope_filter(scope)).values("pk")})


class Objective(TimeStampedModel):
    """What the exercise sets out to validate, under one subject."""

    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE, related_name="objectives"
    )
    subject = models.ForeignKey(Subject, verbose_name=_("subject"), on_delete=models.PROTECT, related_name="objectives")
    description = models.TextField(_("description"))

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["exercise", "id"]

    def __str__(self):
        return f"{self.subject}: {self.description[:60]}"

    @classmethod
    def scope_filter(cls, scope):
        return _exercise_in_scope(scope)


class Participant(TimeStampedModel):
    """An organisation, reserve unit, civil-defense team or CI asset taking part, with its role."""

    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ParticipantKind.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reserve_unit = models.ForeignKey(
        "reservists.ReserveUnit",
        verbose_name=_("reserve unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    civil_defense_team = models.ForeignKey(
        "civil_defense.Team",
        verbose_name=_("civil-defense team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    ci_asset = models.ForeignKey(
        "cip.Asset",
        verbose_name=_("critical-infrastructure asset"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requisition = models.ForeignKey(
        Requisition,
        verbose_name=_("requisition order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A drill requisition order of materiel mobilization: its handovers are timed in the evaluation."),
    )
    role = models.CharField(_("role"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.PLAYER)
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["exercise", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="organisation", organisation__isnull=False)
                    | models.Q(kind="reserve_unit", reserve_unit__isnull=False)
                    | models.Q(kind="civil_defense_team", civil_defense_team__isnull=False)
                    | models.Q(kind="ci_asset", ci_asset__isnull=False)
                    | models.Q(kind="requisition", requisition__isnull=False)
                ),
                name="participant_target_matches_kind_v3",
            ),
            models.UniqueConstraint(
                fields=["exercise", "requisition"],
                condition=models.Q(requisition__isnull=False),
                name="participant_requisition_once_per_exercise",
            ),
        ]

    def __str__(self):
        return f"{self.target} ({self.get_role_display()})"

    TARGET_FIELDS = {
        ParticipantKind.ORGANISATION: "organisation",
        ParticipantKind.RESERVE_UNIT: "reserve_unit",
        ParticipantKind.CIVIL_DEFENSE_TEAM: "civil_defense_team",
        ParticipantKind.CI_ASSET: "ci_asset",
        ParticipantKind.REQUISITION: "requisition",
    }

    @property
    def target(self):
        field = self.TARGET_FIELDS.get(self.kind)
        return getattr(self, field) if field else None

    def clean(self):
        super().clean()
        field = self.TARGET_FIELDS.get(self.kind)
        if field and not getattr(self, f"{field}_id"):
            raise ValidationError({field: _("Choose who takes part.")})
        if self.kind == ParticipantKind.REQUISITION and self.requisition.purpose != Purpose.DRILL:
            raise ValidationError({"requisition": _("Only a requisition order for a drill takes part in an exercise.")})
        # Only the target of the chosen kind is kept.
        for other in self.TARGET_FIELDS.values():
            if other != field:
                setattr(self, other, None)

    @classmethod
    def scope_filter(cls, scope):
        return _exercise_in_scope(scope)


class Evaluation(TimeStampedModel):
    """An evaluator's rating of one objective (P, S, M or U) with observations and, if timed, the times."""

    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="evaluations"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("evaluator"), null=True, blank=True, on_delete=models.SET_NULL
    )
    evaluator_name = models.CharField(_("evaluator (name)"), max_length=150, blank=True)
    rating = models.CharField(_("rating"), max_length=1, choices=Rating.choices)
    observations = models.TextField(_("observations"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    areas_for_improvement = models.TextField(_("areas for improvement"), blank=True)
    ordered_at = models.DateTimeField(_("ordered to open at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["objective", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__in=Rating.values), name="evaluation_rating_psmu"),
            models.CheckConstraint(
                condition=models.Q(opened_at__isnull=True)
                | models.Q(ordered_at__isnull=True)
                | models.Q(opened_at__gte=models.F("ordered_at")),
                name="evaluation_opened_after_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.objective} · {self.rating}"

    def clean(self):
        super().clean()
        errors = {}
        if self.rating and self.rating not in Rating.values:
            errors["rating"] = _("Rate P, S, M or U.")
        if self.ordered_at and self.opened_at and self.opened_at < self.ordered_at:
            errors["opened_at"] = _("It cannot open before it was ordered to.")
        if bool(self.ordered_at) != bool(self.opened_at):
            errors["opened_at" if self.ordered_at else "ordered_at"] = _("Give both times, or neither.")
        if errors:
            raise ValidationError(errors)

    @property
    def duration(self) -> datetime.timedelta | None:
        if self.ordered_at and self.opened_at:
            return self.opened_at - self.ordered_at
        return None

    @property
    def duration_minutes(self) -> int | None:
        duration = self.duration
        return None if duration is None else int(duration.total_seconds() // 60)

    @classmethod
    def scope_filter(cls, scope):
        return _exercise_in_scope(scope, "objective__exercise")


class HandoverTime(TimeStampedModel):
    """One requisition notice of a drill's requisition order, as the evaluation records it: the handover time the
    notice planned against the time the handover was recorded at the point (copied from the handover record, so
    the evaluation stays as it was judged when the order is later returned or closed)."""

    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE, related_name="handover_times"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="handover_times"
    )
    notice = models.ForeignKey(
        RequisitionNotice, verbose_name=_("requisition notice"), on_delete=models.PROTECT, related_name="+"
    )
    notice_number = models.CharField(_("notice number"), max_length=30)
    resource_label = models.CharField(_("resource"), max_length=250)
    notice_status = models.CharField(_("notice status"), max_length=12, choices=NoticeStatus.choices)
    planned_at = models.DateTimeField(_("planned handover time"))
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("handover time")
        verbose_name_plural = _("handover times")
        ordering = ["exercise", "planned_at", "notice_number"]
        constraints = [
            models.UniqueConstraint(fields=["participant", "notice"], name="handover_time_once_per_notice"),
        ]

    def __str__(self):
        return f"{self.notice_number} {self.resource_label}"

    @property
    def due(self) -> bool:
        """An exempted resource is not expected at the point."""
        return self.notice_status != NoticeStatus.EXEMPTED

    @property
    def on_time(self) -> bool:
        return bool(self.handed_over_at and self.handed_over_at <= self.planned_at)

    @property
    def delay_minutes(self) -> int | None:
        if self.handed_over_at is None:
            return None
        return int((self.handed_over_at - self.planned_at).total_seconds() // 60)

    @classmethod
    def scope_filter(cls, scope):
        return _exercise_in_scope(scope)


class CorrectiveActionQuerySet(ScopedQuerySet):
    def unfinished(self):
        return self.exclude(status=ActionStatus.COMPLETED)

    def overdue(self, today: datetime.date | None = None):
        return self.unfinished().filter(due_date__lt=today or timezone.localdate())


class CorrectiveAction(TimeStampedModel):
    """An improvement-plan item raised from an area for improvement, tracked until closed with evidence.

    Visible to whoever sees its exercise, to the owner's county (its government follows up on it) and to
    the owner organisation itself. An overdue action stays listed until it is completed.
    """

    exercise = models.ForeignKey(
        Exercise, verbose_name=_("exercise"), on_delete=models.CASCADE, related_name="corrective_actions"
    )
    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("from evaluation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="corrective_actions",
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exercise_actions",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    evidence = models.TextField(_("evidence of completion"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by_name = models.CharField(_("completed by"), max_length=150, blank=True)

    objects = CorrectiveActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("corrective action")
        verbose_name_plural = _("corrective actions")
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["status", "due_date"]), models.Index(fields=["owner", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="completed") | ~models.Q(evidence=""),
                name="action_completed_has_evidence",
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def get_absolute_url(self):
        return reverse("exercises:action-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.status == ActionStatus.COMPLETED and not (self.evidence or "").strip():
            raise ValidationError({"evidence": _("Give the evidence of completion to close the action.")})

    @property
    def is_overdue(self) -> bool:
        return bool(self.due_date and self.status != ActionStatus.COMPLETED and self.due_date < timezone.localdate())

    @classmethod
    def scope_filter(cls, scope):
        q = _exercise_in_scope(scope)
        if scope.region_ids:
            q |= models.Q(owner__in=Organisation.objects.filter(region__in=scope.region_ids).values("pk"))
        if scope.organisation_ids:
            q |= models.Q(owner__in=scope.organisation_ids)
        return q
