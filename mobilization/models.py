"""Call-up rule policy (Art. 33), call-up orders and their candidates."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel, Job, Region, TimeStampedModel
from core.scope import ScopedQuerySet
from reservists.choices import Branch, Category, MobilizationType
from reservists.models import Reservist

from . import rules
from .choices import Decision, OrderStatus


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


class CallUpOrderQuerySet(ScopedQuerySet):
    pass


class CallUpOrder(TimeStampedModel):
    """A call-up order (召集令 programme) from draft through selection and approval to issuing."""

    mobilization_type = models.CharField(_("mobilization type"), max_length=20, choices=MobilizationType.choices)
    title = models.CharField(_("title"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    order_reference = models.CharField(
        _("order reference"),
        max_length=100,
        blank=True,
        help_text=_("For a General Mobilization: the reference of the President's order (Art. 25)."),
    )
    report_date = models.DateField(_("report date"))
    days = models.PositiveSmallIntegerField(_("days"), validators=[MinValueValidator(1)])
    wartime = models.BooleanField(_("in war or severe disorder"), default=False)
    quota = models.PositiveIntegerField(_("quota"), validators=[MinValueValidator(1)])
    target_regions = models.ManyToManyField(
        Region, verbose_name=_("target regions"), blank=True, related_name="+", help_text=_("Empty means nationwide.")
    )
    target_branches = ArrayField(
        models.CharField(max_length=20, choices=Branch.choices),
        verbose_name=_("target branches"),
        default=list,
        blank=True,
    )
    target_categories = ArrayField(
        models.CharField(max_length=20, choices=Category.choices),
        verbose_name=_("target categories"),
        default=list,
        blank=True,
    )
    target_specialties = ArrayField(
        models.CharField(max_length=20), verbose_name=_("target specialties"), default=list, blank=True
    )
    override_window_years = models.PositiveSmallIntegerField(
        _("raised window (years)"), null=True, blank=True, help_text=_("Art. 27/28: by military needs.")
    )
    override_max_times = models.PositiveSmallIntegerField(_("raised number of call-ups"), null=True, blank=True)
    override_max_days = models.PositiveSmallIntegerField(_("raised days per call-up"), null=True, blank=True)
    override_justification = models.TextField(_("justification of the military needs"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
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
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    policy = models.ForeignKey(
        RulePolicy, verbose_name=_("policy version used"), null=True, blank=True, on_delete=models.PROTECT
    )
    selection_job = models.ForeignKey(
        Job, verbose_name=_("selection job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    selected_at = models.DateTimeField(_("selected at"), null=True, blank=True)
    summary = models.JSONField(_("selection summary"), default=dict, blank=True)

    objects = CallUpOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("call-up order")
        verbose_name_plural = _("call-up orders")
        ordering = ["-id"]
        permissions = [
            ("select_calluporder", _("Run candidate selection for call-up orders")),
            ("submit_calluporder", _("Submit call-up orders for approval")),
            ("approve_calluporder", _("Approve or reject call-up orders")),
            ("cancel_calluporder", _("Cancel call-up orders")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(days__gte=1), name="order_days_positive"),
            models.CheckConstraint(condition=models.Q(quota__gte=1), name="order_quota_positive"),
            models.CheckConstraint(condition=models.Q(status__in=OrderStatus.values), name="order_status_valid"),
        ]

    def __str__(self):
        return self.title

    @classmethod
    def scope_filter(cls, scope):
        """Nationwide orders, and orders aimed at a region of the user's (a county target covers its townships)."""
        through = cls.target_regions.through
        ids = scope.region_ids | scope.enclosing_ids
        nationwide = ~Exists(through.objects.filter(calluporder_id=OuterRef("pk")))
        mine = Exists(through.objects.filter(calluporder_id=OuterRef("pk"), region_id__in=ids))
        return models.Q(nationwide) | models.Q(mine)

    def overrides(self) -> rules.Overrides:
        return rules.Overrides(self.override_window_years, self.override_max_times, self.override_max_days)

    def proposal(self) -> rules.Proposal:
        return rules.Proposal(self.mobilization_type, self.report_date, self.days, self.wartime)

    @property
    def has_overrides(self) -> bool:
        return self.overrides().any

    def clean(self):
        super().clean()
        errors = {}
        if self.has_overrides:
            if self.mobilization_type not in (
                MobilizationType.EDUCATIONAL,
                MobilizationType.DUTY,
                MobilizationType.ROLL_CALL,
            ):
                errors["override_window_years"] = _(
                    "Only Educational, Duty (Art. 27) and Roll-Call (Art. 28) limits can be raised by military needs."
                )
            if not (self.override_justification or "").strip():
                errors["override_justification"] = _("Raising a limit by military needs requires a justification.")
        if errors:
            raise ValidationError(errors)


class CandidateQuerySet(ScopedQuerySet):
    pass


class Candidate(models.Model):
    """One targeted reservist of one order, with the engine's decision and reasons.

    Derived data written in bulk by the selection (a million rows for a nationwide order), so it is NOT an
    AuditedModel: exclusions, manual additions and order transitions are named events (mobilization/events.py).
    `township` and `specialty` are copied from the reservist so review and shortfall queries stay on this table.
    """

    # A million rows are written in one statement: no database foreign-key triggers (three million checks at
    # commit) and no single-column indexes beyond what the review reads; the rows come from existing ones by
    # construction and Django still cascades deletes. The composite indexes below start with the order.
    order = models.ForeignKey(
        CallUpOrder,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="candidates",
        db_index=False,
        db_constraint=False,
    )
    reservist = models.ForeignKey(
        Reservist,
        verbose_name=_("reservist"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique (reservist, order) index serves lookups by reservist
        db_constraint=False,
    )
    township = models.ForeignKey(
        Region,
        verbose_name=_("township"),
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    specialty = models.CharField(_("specialty"), max_length=20, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=Decision.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    policy_version = models.PositiveIntegerField(_("policy version"))
    excluded = models.BooleanField(_("excluded"), default=False)
    exclusion_reason = models.TextField(_("reason for exclusion"), blank=True)
    added_manually = models.BooleanField(_("added by hand"), default=False)
    added_reason = models.TextField(_("reason for adding"), blank=True)

    objects = CandidateQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["reservist", "order"], name="candidate_once_per_order"),
            models.CheckConstraint(condition=models.Q(decision__in=Decision.values), name="candidate_decision_valid"),
        ]
        # Partitioned by order (migration 0006, partitions.py): the database's primary key is (id, order_id),
        # which in an order's partition also serves its pages in id order.
        indexes = [
            models.Index(fields=["order", "decision", "id"], name="candidate_order_decision"),
        ]

    def __str__(self):
        return f"{self.order_id}:{self.reservist_id} {self.decision}"

    def rendered_reasons(self) -> list[dict]:
        return rules.render_reasons(self.reasons)

    def page_reasons(self) -> list[dict]:
        """As rendered_reasons, with the article as a reader writes it ("第27條" / "Art. 27(1)")."""
        return [{**r, "label": rules.article_label(r)} for r in self.rendered_reasons()]

    @property
    def in_first_wave(self) -> bool:
        return self.rank is not None and not self.excluded


# The notices sub-package's models belong to this app (app label "mobilization").
from .lifecycle.models import *  # noqa: E402, F401, F403
from .notices.models import DeliveryMessage, Notice, NoticeBatch, NoticeEvent, Postponement  # noqa: E402, F401
