"""Records of the end of the call-up: exemption grounds and exemptions with their documents, the gaps that
replacement fills, disaster-area exemptions, recalls and corrections, the frozen yield and no-show cases."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel, BilingualNameMixin, DecisionRecord, Job, Region, TimeStampedModel
from core.scope import ScopedQuerySet
from core.storage import random_key

from .. import events_lifecycle  # noqa: F401  (the named events exist once the app is loaded)
from ..choices import CaseStatus, CaseStep, ChangeKind, ChangeStatus, ExemptionStatus, GapReason, GapStatus


def _order_scope(model, scope):
    """Rows belonging to an order the user may see (orders are scoped by their target regions)."""
    order_model = model._meta.get_field("order").related_model
    return models.Q(order__in=order_model.objects.filter(order_model.scope_filter(scope)).values("pk"))


class ExemptionGround(BilingualNameMixin, AuditedModel):
    """A ground for exemption from one call-up (免召事由), kept by mnd_admin: a stable code and a translated label."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150)
    active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("exemption ground")
        verbose_name_plural = _("exemption grounds")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class AreaExemption(TimeStampedModel):
    """A disaster area exempted in bulk: every open notice of the chosen townships of one order, one ground."""

    order = models.ForeignKey(
        "mobilization.CallUpOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="area_exemptions"
    )
    townships = models.ManyToManyField(Region, verbose_name=_("townships"), related_name="+")
    ground = models.ForeignKey(ExemptionGround, verbose_name=_("ground"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    replace = models.BooleanField(_("replace from outside the area"), default=True)
    exempted = models.PositiveIntegerField(_("notices exempted"), default=0)
    quota_before = models.PositiveIntegerField(_("quota before"))
    quota_after = models.PositiveIntegerField(_("quota after"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by_name = models.CharField(_("decided by (name)"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("disaster-area exemption")
        verbose_name_plural = _("disaster-area exemptions")
        ordering = ["-id"]

    @classmethod
    def scope_filter(cls, scope):
        return _order_scope(cls, scope)

    def __str__(self):
        return f"{self.order_id}: {self.ground_id}"


class Exemption(DecisionRecord, TimeStampedModel):
    """Exemption of one notice from its call-up (免召): requested by a township office, decided by the MND unit.

    At most one standing (requested or approved) exemption per notice (database constraint)."""

    notice = models.ForeignKey(
        "mobilization.Notice", verbose_name=_("notice"), on_delete=models.PROTECT, related_name="exemptions"
    )
    ground = models.ForeignKey(ExemptionGround, verbose_name=_("ground"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("note"), blank=True)
    replace = models.BooleanField(_("replace the person"), default=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ExemptionStatus.choices, default=ExemptionStatus.REQUESTED
    )
    area = models.ForeignKey(
        AreaExemption,
        verbose_name=_("disaster-area exemption"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exemptions",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_by_name = models.CharField(_("requested by (name)"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "notice__township"

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        ordering = ["-id"]
        permissions = [
            ("request_exemption", _("Request exemptions from a call-up")),
            ("decide_exemption", _("Decide exemptions from a call-up")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notice"], condition=models.Q(status__in=["requested", "approved"]), name="exemption_standing"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ExemptionStatus.values), name="exemption_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.notice_id} {self.ground_id} {self.status}"


def document_path(instance, filename):
    return random_key(f"exemptions/{instance.exemption_id}", filename)


class ExemptionDocument(models.Model):
    """A file supporting an exemption request (PDF or image, checked by content); served after a scope check."""

    exemption = models.ForeignKey(
        Exemption, verbose_name=_("exemption"), on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to=document_path)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by_name = models.CharField(_("uploaded by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "exemption__notice__township"

    class Meta:
        verbose_name = _("exemption document")
        verbose_name_plural = _("exemption documents")
        ordering = ["id"]

    def __str__(self):
        return self.name


class Gap(models.Model):
    """A place in the call that opened (exemption, undeliverable, ineligible) and its replacement (遞補).

    One gap per notice; a replacement notice fills at most one gap (both one-to-one). `short` is the recorded
    shortfall: nobody was left in rank order. `exclude_townships` are townships a replacement may not come from
    (a disaster area)."""

    order = models.ForeignKey(
        "mobilization.CallUpOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="gaps"
    )
    notice = models.OneToOneField(
        "mobilization.Notice", verbose_name=_("notice"), on_delete=models.PROTECT, related_name="gap"
    )
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=14, choices=GapReason.choices)
    status = models.CharField(_("status"), max_length=8, choices=GapStatus.choices, default=GapStatus.PENDING)
    replacement = models.OneToOneField(
        "mobilization.Notice",
        verbose_name=_("replacement notice"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fills",
    )
    exclude_townships = models.JSONField(_("townships excluded from replacement"), default=list, blank=True)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    filled_at = models.DateTimeField(_("filled at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("gap in the call")
        verbose_name_plural = _("gaps in the call")
        ordering = ["id"]
        indexes = [models.Index(fields=["order", "status"], name="gap_order_status")]

    def __str__(self):
        return f"{self.notice_id} {self.status}"


class OrderChange(DecisionRecord, TimeStampedModel):
    """A recall or correction of an issued order, proposed by staff and decided by another person (four-eyes).

    No townships means the whole order. The job works through the notices in id order and records the last id
    done in the same transaction as each chunk (`progress_id`), so a restarted job neither skips nor repeats."""

    order = models.ForeignKey(
        "mobilization.CallUpOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="changes"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ChangeKind.choices)
    townships = models.ManyToManyField(Region, verbose_name=_("townships"), blank=True, related_name="+")
    reason = models.TextField(_("reason"))
    new_report_date = models.DateField(_("new report date"), null=True, blank=True)
    new_report_time = models.TimeField(_("new report time"), null=True, blank=True)
    new_assembly_point = models.CharField(_("new assembly point"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by_name = models.CharField(_("proposed by (name)"), max_length=150, blank=True)
    job = models.ForeignKey(
        Job, verbose_name=_("job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    progress_id = models.BigIntegerField(_("last notice done"), default=0)
    affected = models.PositiveIntegerField(_("notices changed"), default=0)
    letters = models.JSONField(_("townships sent their letters"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("recall or correction")
        verbose_name_plural = _("recalls and corrections")
        ordering = ["-id"]
        permissions = [
            ("propose_orderchange", _("Propose the recall or correction of an issued order")),
            ("decide_orderchange", _("Approve or refuse the recall or correction of an issued order")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ChangeStatus.values), name="orderchange_status_valid"),
        ]

    @classmethod
    def scope_filter(cls, scope):
        return _order_scope(cls, scope)

    def __str__(self):
        return f"{self.get_kind_display()} {self.order_id}"


class OrderYield(models.Model):
    """The yield of a closed order, frozen at closing: one row per township and one total (no township)."""

    order = models.ForeignKey(
        "mobilization.CallUpOrder", verbose_name=_("order"), on_delete=models.CASCADE, related_name="yields"
    )
    township = models.ForeignKey(
        Region, verbose_name=_("township"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    called = models.PositiveIntegerField(_("called"), default=0)
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    undeliverable = models.PositiveIntegerField(_("undeliverable"), default=0)
    postponed = models.PositiveIntegerField(_("postponed"), default=0)
    exempted = models.PositiveIntegerField(_("exempted"), default=0)
    replaced = models.PositiveIntegerField(_("replaced"), default=0)
    withdrawn = models.PositiveIntegerField(_("withdrawn"), default=0)
    reported = models.PositiveIntegerField(_("reported"), default=0)
    no_show = models.PositiveIntegerField(_("no-show"), default=0)
    unknown = models.PositiveIntegerField(_("attendance unknown"), default=0)
    frozen_at = models.DateTimeField(_("frozen at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("order yield")
        verbose_name_plural = _("order yields")
        ordering = ["order", "township__code"]
        # Declared here rather than on CallUpOrder so this package stays self-contained (permission names are
        # app_label.codename whatever model carries them).
        permissions = [("close_calluporder", _("Close call-up orders after the service period"))]
        constraints = [
            models.UniqueConstraint(fields=["order", "township"], name="yield_once", nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.order_id}/{self.township_id}: {self.reported}/{self.called}"


class NoShowCase(TimeStampedModel):
    """The follow-up of one absentee (one case per notice), in the township's worklist."""

    notice = models.OneToOneField(
        "mobilization.Notice", verbose_name=_("notice"), on_delete=models.PROTECT, related_name="no_show_case"
    )
    order = models.ForeignKey(
        "mobilization.CallUpOrder", verbose_name=_("order"), on_delete=models.PROTECT, related_name="no_show_cases"
    )
    township = models.ForeignKey(Region, verbose_name=_("township"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=14, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_date = models.DateField(_("review due"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("no-show case")
        verbose_name_plural = _("no-show cases")
        ordering = ["due_date", "id"]
        permissions = [("record_noshow_step", _("Record the steps of no-show cases"))]
        indexes = [models.Index(fields=["township", "status"], name="noshow_township_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=CaseStatus.values), name="noshow_status_valid"),
        ]

    def __str__(self):
        return f"{self.notice_id} {self.status}"


class NoShowStep(AuditedModel):
    """One recorded step of a no-show case."""

    case = models.ForeignKey(NoShowCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=22, choices=CaseStep.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user_name = models.CharField(_("user (name)"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "case__township"

    class Meta:
        verbose_name = _("no-show case step")
        verbose_name_plural = _("no-show case steps")
        ordering = ["case", "at", "id"]

    def __str__(self):
        return f"{self.case_id} {self.step}"


__all__ = [
    "AreaExemption",
    "Exemption",
    "ExemptionDocument",
    "ExemptionGround",
    "Gap",
    "NoShowCase",
    "NoShowStep",
    "OrderChange",
    "OrderYield",
]
