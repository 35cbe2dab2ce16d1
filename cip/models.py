"""Critical infrastructure: sectors, assets, their dependencies, risk assessments and protection plans."""

from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin, Organisation, Region, TimeStampedModel
from core.scope import ScopedQuerySet

from .choices import (
    AssetLevel,
    AssetStatus,
    DependencyKind,
    Ministry,
    PlanStatus,
    RiskLevel,
    Scenario,
    UnitKind,
)

# How often an asset must be re-assessed, by control level (days). Level 1 yearly, level 2 every two
# years, level 3 every three years; an asset never assessed is due one interval after it was registered.
REVIEW_INTERVAL_DAYS = {AssetLevel.LEVEL_1: 365, AssetLevel.LEVEL_2: 730, AssetLevel.LEVEL_3: 1095}


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data every logged-in user with the view permission may read."""


class Sector(BilingualNameMixin, TimeStampedModel):
    """One of Taiwan's eight critical-infrastructure sectors (八大關鍵基礎設施領域). Shipped as data."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    ministry = models.CharField(_("lead ministry"), max_length=20, choices=Ministry.choices, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return Q()


class SubSector(BilingualNameMixin, TimeStampedModel):
    """A sub-sector of a sector (energy: electricity, oil, natural gas; transportation: land, sea, air...)."""

    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="subsectors")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("sub-sector")
        verbose_name_plural = _("sub-sectors")
        ordering = ["sector__sort_order", "sort_order", "code"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return Q()


class RiskMatrix(TimeStampedModel):
    """The likelihood x impact matrix and the score thresholds of each risk level. One is active.

    score = likelihood x impact; low below `medium_from`, medium below `high_from`, high below
    `critical_from`, critical from there. Assessments keep the matrix they were rated on.
    """

    name = models.CharField(_("name"), max_length=100)
    size = models.PositiveSmallIntegerField(
        _("size"), default=5, validators=[MinValueValidator(3), MaxValueValidator(10)]
    )
    medium_from = models.PositiveSmallIntegerField(_("medium from score"), default=5)
    high_from = models.PositiveSmallIntegerField(_("high from score"), default=10)
    critical_from = models.PositiveSmallIntegerField(_("critical from score"), default=17)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrices")
        ordering = ["-is_active", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="cip_one_active_matrix"),
            models.CheckConstraint(
                condition=Q(size__gte=3, size__lte=10)
                & Q(medium_from__gte=2)
                & Q(high_from__gt=F("medium_from"))
                & Q(critical_from__gt=F("high_from"))
                & Q(critical_from__lte=F("size") * F("size")),
                name="cip_matrix_thresholds_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.size}x{self.size})"

    @classmethod
    def scope_filter(cls, scope):
        return Q()

    @classmethod
    def active(cls) -> "RiskMatrix":
        matrix = cls.objects.filter(is_active=True).first()
        return matrix if matrix is not None else cls.objects.get_or_create(is_active=True, defaults={"name": "5x5"})[0]

    def clean(self):
        if not (2 <= self.medium_from < self.high_from < self.critical_from <= self.size * self.size):
            raise ValidationError(
                _("Thresholds must rise: 2 <= medium < high < critical <= size x size."), code="thresholds"
            )

    def level_for(self, likelihood: int, impact: int) -> str:
        score = likelihood * impact
        if score >= self.critical_from:
            return RiskLevel.CRITICAL
        if score >= self.high_from:
            return RiskLevel.HIGH
        if score >= self.medium_from:
            return RiskLevel.MEDIUM
        return RiskLevel.LOW

    @staticmethod
    def control_level_for(risk_level: str) -> int:
        """The control level an assessment's risk level calls for: critical -> 1, high -> 2, else 3."""
        return {RiskLevel.CRITICAL: 1, RiskLevel.HIGH: 2}.get(risk_level, 3)

    def cells(self) -> list[list[tuple[int, int, str]]]:
        """Rows from the highest likelihood down, each (likelihood, impact, level)."""
        return [[(lk, im, self.level_for(lk, im)) for im in range(1, self.size + 1)] for lk in range(self.size, 0, -1)]


class AssetQuerySet(ScopedQuerySet):
    def overdue(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.exclude(status=AssetStatus.DECOMMISSIONED).filter(assessment_due_on__lt=today)


class Asset(TimeStampedModel):
    """One critical-infrastructure asset on the national list, run by an operator organisation.

    `risk_level`, `likelihood`, `impact` and `last_assessed_on` summarise the latest assessment of each
    scenario (the worst of them); `services.record_assessment` keeps them current.
    """

    name = models.CharField(_("name"), max_length=200)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT, related_name="assets")
    subsector = models.ForeignKey(
        SubSector, verbose_name=_("sub-sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="assets"
    )
    level = models.PositiveSmallIntegerField(_("control level"), choices=AssetLevel.choices, default=AssetLevel.LEVEL_3)
    status = models.CharField(_("status"), max_length=20, choices=AssetStatus.choices, default=AssetStatus.OPERATIONAL)
    operator = models.ForeignKey(
        Organisation, verbose_name=_("operator"), on_delete=models.PROTECT, related_name="cip_assets"
    )
    ministry = models.CharField(_("responsible ministry"), max_length=20, choices=Ministry.choices)
    township = models.ForeignKey(
        Region,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="cip_assets",
        limit_choices_to={"level": "township"},
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=8, decimal_places=5, validators=[MinValueValidator(21), MaxValueValidator(27)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=8, decimal_places=5, validators=[MinValueValidator(118), MaxValueValidator(123)]
    )
    description = models.TextField(_("description"), blank=True)
    risk_level = models.CharField(_("current risk level"), max_length=10, choices=RiskLevel.choices, blank=True)
    risk_score = models.PositiveSmallIntegerField(_("current risk score"), null=True, blank=True)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), null=True, blank=True)
    impact = models.PositiveSmallIntegerField(_("impact"), null=True, blank=True)
    last_assessed_on = models.DateField(_("last assessed on"), null=True, blank=True)
    assessment_due_on = models.DateField(_("assessment due on"), null=True, blank=True)

    objects = AssetQuerySet.as_manager()
    scope_region_field = "township"
    scope_organisation_field = "operator"

    class Meta:
        verbose_name = _("critical-infrastructure asset")
        verbose_name_plural = _("critical-infrastructure assets")
        ordering = ["level", "name", "id"]
        indexes = [
            models.Index(fields=["sector", "level"]),
            models.Index(fields=["likelihood", "impact"]),
            models.Index(fields=["assessment_due_on"]),
            models.Index(fields=["risk_level"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=21, latitude__lte=27, longitude__gte=118, longitude__lte=123),
                name="cip_asset_in_taiwan",
            ),
            models.CheckConstraint(condition=Q(level__in=[1, 2, 3]), name="cip_asset_level_valid"),
        ]

    def __str__(self):
        return self.name

    REGISTRY_PREFIX = "CI-"

    @property
    def registry_code(self) -> str:
        """The asset's public code on the national list (CI-000123): what another operator uses to name it as the
        asset theirs depends on, without seeing anything else of it."""
        return f"{self.REGISTRY_PREFIX}{self.pk:06d}" if self.pk else ""

    @classmethod
    def pk_from_registry_code(cls, code: str) -> int | None:
        """CI-000123, ci-123 or 123 -> 123; anything else -> None."""
        import re

        match = re.fullmatch(r"\s*(?:CI-?)?0*(\d{1,12})\s*", code or "", flags=re.IGNORECASE)
        return int(match.group(1)) if match else None

    def clean(self):
        errors = {}
        if self.subsector_id and self.sector_id and self.subsector.sector_id != self.sector_id:
            errors["subsector"] = _("This sub-sector belongs to another sector.")
        if self.township_id and self.township.level != "township":
            errors["township"] = _("Choose a township, not a county.")
        if errors:
            raise ValidationError(errors)

    def compute_due_on(self) -> date:
        start = self.last_assessed_on or (self.created_at.date() if self.created_at else timezone.localdate())
        return start + timedelta(days=REVIEW_INTERVAL_DAYS[AssetLevel(self.level)])

    def save(self, *args, **kwargs):
        # The review interval follows the level, so a level change moves the due date too.
        self.assessment_due_on = self.compute_due_on()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"assessment_due_on"}
        super().save(*args, **kwargs)

    @property
    def county(self):
        return self.township.parent if self.township_id else None

    @property
    def is_overdue(self) -> bool:
        return bool(self.assessment_due_on and self.assessment_due_on < timezone.localdate())


class AssetContact(TimeStampedModel):
    """Someone to call about an asset (its security officer, the duty desk)."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "asset__township"
    scope_organisation_field = "asset__operator"

    class Meta:
        verbose_name = _("asset contact")
        verbose_name_plural = _("asset contacts")
        ordering = ["asset", "id"]

    def __str__(self):
        return f"{self.name} ({self.role})" if self.role else self.name


class Dependency(TimeStampedModel):
    """`asset` depends on `depends_on` for `kind`: if `depends_on` fails, `asset` is affected."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="dependencies")
    depends_on = models.ForeignKey(
        Asset, verbose_name=_("depends on"), on_delete=models.CASCADE, related_name="dependents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DependencyKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "asset__township"
    scope_organisation_field = "asset__operator"

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        ordering = ["asset", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "depends_on", "kind"], name="cip_dependency_unique"),
            models.CheckConstraint(condition=~Q(asset=F("depends_on")), name="cip_dependency_not_self"),
        ]
        indexes = [models.Index(fields=["depends_on", "asset"])]

    def __str__(self):
        return f"{self.asset} → {self.depends_on} ({self.get_kind_display()})"

    def clean(self):
        if self.asset_id and self.asset_id == self.depends_on_id:
            raise ValidationError({"depends_on": _("An asset cannot depend on itself.")})


class RiskAssessment(TimeStampedModel):
    """One rating of one scenario for one asset, on the matrix active at the time. Never edited: re-assess."""

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="assessments")
    scenario = models.CharField(_("scenario"), max_length=20, choices=Scenario.choices)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"))
    impact = models.PositiveSmallIntegerField(_("impact"))
    matrix = models.ForeignKey(RiskMatrix, verbose_name=_("risk matrix"), on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("score"))
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices)
    control_level = models.PositiveSmallIntegerField(_("resulting control level"), choices=AssetLevel.choices)
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessor"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessor_name = models.CharField(_("assessor (name)"), max_length=150, blank=True)
    assessed_on = models.DateField(_("assessed on"))
    notes = models.TextField(_("notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "asset__township"
    scope_organisation_field = "asset__operator"

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["asset", "scenario", "-assessed_on", "-id"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, impact__gte=1, likelihood__lte=10, impact__lte=10),
                name="cip_assessment_rating_range",
            ),
            models.CheckConstraint(
                condition=Q(score=F("likelihood") * F("impact")), name="cip_assessment_score_is_product"
            ),
        ]

    def __str__(self):
        return f"{self.asset} · {self.get_scenario_display()} · {self.assessed_on}"


class ProtectionPlan(TimeStampedModel):
    """How an asset is protected: by whom, with what measures, drilled when, reviewed when.

    A plan for a level-1 asset goes draft -> submitted -> approved by an MND approver who did not submit
    it (the database refuses anything else); other plans go draft -> active. Only drafts are edited.
    """

    asset = models.ForeignKey(Asset, verbose_name=_("asset"), on_delete=models.CASCADE, related_name="plans")
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    requires_approval = models.BooleanField(_("requires approval"), default=False)
    measures = models.TextField(_("protection measures"))
    last_drill_on = models.DateField(_("last drill"), null=True, blank=True)
    next_review_on = models.DateField(_("next review"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "asset__township"
    scope_organisation_field = "asset__operator"

    class Meta:
        verbose_name = _("protection plan")
        verbose_name_plural = _("protection plans")
        ordering = ["-id"]
        permissions = [("approve_protectionplan", _("Approve level-1 protection plans"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.APPROVED)
                | (Q(approved_by__isnull=False) & Q(submitted_by__isnull=False) & ~Q(approved_by=F("submitted_by"))),
                name="cip_plan_approved_by_other",
            ),
            models.CheckConstraint(
                condition=~Q(status=PlanStatus.ACTIVE, requires_approval=True), name="cip_plan_level1_not_skipped"
            ),
        ]

    def __str__(self):
        return self.title


class PlanUnit(TimeStampedModel):
    """A unit that protects the asset under a plan: a military unit, police, a civil-defense team..."""

    plan = models.ForeignKey(ProtectionPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="units")
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "civil_defense.Team",
        verbose_name=_("civil-defense team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cip_plan_units",
        help_text=_("For a civil-defense team: the team from the civil-defense registry."),
    )
    task = models.CharField(_("task"), max_length=300, blank=True)
    contact = models.CharField(_("contact"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "plan__asset__township"
    scope_organisation_field = "plan__asset__operator"

    class Meta:
        verbose_name = _("protecting unit")
        verbose_name_plural = _("protecting units")
        ordering = ["plan", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True) | Q(kind=UnitKind.CIVIL_DEFENSE),
                name="cip_planunit_team_is_civil_defense",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.name}"

    def clean(self):
        if self.team_id and self.kind != UnitKind.CIVIL_DEFENSE:
            raise ValidationError({"team": _("Only a civil-defense unit refers to a civil-defense team.")})
        if self.team_id and not self.name:
            self.name = self.team.name
