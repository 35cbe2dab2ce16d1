"""Call-up orders, from draft through selection and approval to issuing."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from core.models import DecisionRecord, Job, Region, TimeStampedModel
from core.scope import ScopedQuerySet
from reservists.choices import Branch, Category, MobilizationType

from .. import rules
from ..choices import OrderStatus
from .policy import RulePolicy


class CallUpOrderQuerySet(ScopedQuerySet):
    pass


class CallUpOrder(DecisionRecord, TimeStampedModel):
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
    # The annual programme's line this order implements (Art. 24, 27, 28), or the military-needs override.
    programme_line = models.ForeignKey(
        "mobilization.ProgrammeLine",
        verbose_name=_("programme line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
    )
    programme_override = models.BooleanField(
        _("beyond the annual programme by military needs"),
        default=False,
        help_text=_("Art. 27/28: the justification of the military needs is required and shown to the approver."),
    )
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
    # What the drafter tells the approver when submitting (shown on the approval page; also the event's note).
    submission_comment = models.TextField(_("submission comment"), blank=True)
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
