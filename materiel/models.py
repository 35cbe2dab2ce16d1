"""Materiel mobilization (物力動員): the registry of resources and their kinds, the annual capacity survey,
requirements and their allocation, requisition orders, their notices to owners and the conflicts found before
issuing them."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cip.models import Asset
from core.models import BilingualNameMixin, Organisation, Region, TimeStampedModel
from core.pii import mask_name, mask_national_id, normalise_national_id, validate_national_id
from core.scope import ScopedQuerySet

from .choices import (
    HOLDING,
    AllocationStatus,
    AttributeType,
    Condition,
    ConflictKind,
    ConflictStatus,
    NoticeStatus,
    Purpose,
    RequirementStatus,
    RequisitionKind,
    RequisitionStatus,
    Sector,
    SurveyStatus,
)

LATITUDE = [MinValueValidator(21), MaxValueValidator(27)]
LONGITUDE = [MinValueValidator(118), MaxValueValidator(123)]


class ReferenceQuerySet(ScopedQuerySet):
    """Kinds are reference data: everyone with the view permission reads all of them."""


class Kind(BilingualNameMixin, TimeStampedModel):
    """A class of resource within a sector (truck, excavator, warehouse, fuel...) and its capacity attributes.

    `attributes` lists what a resource of this class records as capacity: each a dict with `name`, `label_zh`,
    `label_en`, `type` (int, decimal, text), `unit` and `required`. Shipped as data (kind_data.py)."""

    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    attributes = models.JSONField(_("capacity attributes"), default=list, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("kind of resource")
        verbose_name_plural = _("kinds of resources")
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name

    @classmethod
    def scope_filter(cls, scope):
        return Q()

    def attribute_label(self, attribute: dict) -> str:
        english = (get_language() or "").lower().startswith("en")
        label = attribute.get("label_en" if english else "label_zh") or attribute["name"]
        return f"{label} ({attribute['unit']})" if attribute.get("unit") else label

    def clean_capacity(self, data) -> dict:
        """The capacity checked against this class's attributes: known names, right types, required present.

        Raises ValidationError({"capacity": [messages]}) naming each wrong attribute."""
        if data in (None, ""):
            data = {}
        if not isinstance(data, dict):
            raise ValidationError({"capacity": [_("Capacity is an object of attribute: value.")]})
        known = {a["name"]: a for a in self.attributes}
        errors, cleaned = [], {}
        for name in data:
            if name not in known:
                errors.append(
                    _("%(name)s is not a capacity attribute of %(kind)s; it has: %(names)s.")
                    % {"name": name, "kind": self.name, "names": ", ".join(known) or "-"}
                )
        for name, attribute in known.items():
            value = data.get(name)
            if value in (None, ""):
                if attribute.get("required"):
                    errors.append(_("%(label)s is required.") % {"label": self.attribute_label(attribute)})
                continue
            kind = attribute.get("type")
            try:
                if kind == AttributeType.INTEGER:
                    if isinstance(value, bool) or str(value).strip().lstrip("+").isdigit() is False:
                        raise ValueError
                    cleaned[name] = int(str(value).strip())
                elif kind == AttributeType.DECIMAL:
                    if isinstance(value, bool):
                        raise ValueError
                    number = Decimal(str(value).strip())
                    if not number.is_finite() or number < 0:
                        raise ValueError
                    cleaned[name] = float(number)
                else:
                    cleaned[name] = str(value).strip()[:200]
            except (ValueError, InvalidOperation):
                errors.append(
                    _("%(label)s must be a non-negative number, not %(value)s.")
                    % {"label": self.attribute_label(attribute), "value": value}
                )
        if errors:
            raise ValidationError({"capacity": errors})
        return cleaned


class ResourceQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(is_active=True)


class Resource(TimeStampedModel):
    """One registered vehicle, machine, vessel, facility or stock, owned by an organisation or by a person.

    A person owner is known by national ID (shown masked); the registration number (plate, serial, facility
    code) is unique within its kind. A facility may be the same place as a critical-infrastructure asset."""

    kind = models.ForeignKey(Kind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="resources")
    registration = models.CharField(_("registration number"), max_length=40)
    name = models.CharField(_("description"), max_length=200, blank=True)
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("owner organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="materiel_resources",
    )
    owner_national_id = models.CharField(_("owner national ID"), max_length=10, blank=True)
    owner_name = models.CharField(_("owner name"), max_length=100, blank=True)
    driver_national_id = models.CharField(_("registered driver national ID"), max_length=10, blank=True)
    township = models.ForeignKey(
        Region,
        verbose_name=_("township"),
        on_delete=models.PROTECT,
        related_name="materiel_resources",
        limit_choices_to={"level": "township"},
        db_index=False,  # the (township, id) index serves it
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, validators=LATITUDE)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, validators=LONGITUDE)
    capacity = models.JSONField(_("capacity"), default=dict, blank=True)
    condition = models.CharField(_("condition"), max_length=15, choices=Condition.choices, default=Condition.GOOD)
    inspection_due_on = models.DateField(_("inspection due on"), null=True, blank=True)
    insurance_due_on = models.DateField(_("insurance due on"), null=True, blank=True)
    cip_asset = models.ForeignKey(
        Asset,
        verbose_name=_("critical-infrastructure asset"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materiel_resources",
    )
    is_active = models.BooleanField(_("in the registry"), default=True)
    confirmed_year = models.PositiveSmallIntegerField(_("last confirmed in survey year"), null=True, blank=True)

    objects = ResourceQuerySet.as_manager()
    scope_region_field = "township"
    scope_organisation_field = "owner_organisation"

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "registration"], name="materiel_registration_unique_per_kind"),
            models.CheckConstraint(
                condition=(Q(owner_organisation__isnull=False) & Q(owner_national_id=""))
                | (Q(owner_organisation__isnull=True) & ~Q(owner_national_id="")),
                name="materiel_resource_one_owner",
            ),
            models.CheckConstraint(condition=Q(condition__in=Condition.values), name="materiel_condition_valid"),
        ]
        indexes = [
            models.Index(fields=["township", "kind"], name="materiel_res_township_kind"),
            # The newest resources of a county's townships (keyset lists) without scanning other counties' rows.
            models.Index(fields=["township", "id"], name="materiel_res_township_id"),
            # Matching (matching.py) reads a kind's resources in each township of the county within a latitude band
            # around the handover point, with what it filters and sorts on: one short index-only range per township,
            # no visit to table rows, no other county's resources read and filtered away.
            models.Index(
                fields=["kind", "township", "latitude"],
                include=["longitude", "id", "condition", "is_active"],
                name="materiel_res_match_area",
            ),
            # The list filtered by kind, newest first: nationally from (kind, id); for a county each township's newest
            # of the kind from (kind, township, id), without visiting the table for the condition filter.
            models.Index(fields=["kind", "id"], include=["condition", "is_active"], name="materiel_res_kind_id"),
            models.Index(
                fields=["kind", "township", "id"], include=["condition", "is_active"], name="materiel_res_kind_township"
            ),
            models.Index(fields=["owner_organisation"], name="materiel_res_owner_org"),
            models.Index(
                fields=["owner_national_id"], name="materiel_res_owner_id", condition=~Q(owner_national_id="")
            ),
            models.Index(
                fields=["driver_national_id"], name="materiel_res_driver_id", condition=~Q(driver_national_id="")
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.registration}"

    def clean(self):
        errors = {}
        self.registration = (self.registration or "").strip().upper()
        self.owner_national_id = normalise_national_id(self.owner_national_id)
        self.driver_national_id = normalise_national_id(self.driver_national_id)
        for field in ("owner_national_id", "driver_national_id"):
            if getattr(self, field):
                try:
                    validate_national_id(getattr(self, field))
                except ValidationError as exc:
                    errors[field] = exc.messages
        if self.owner_organisation_id and self.owner_national_id:
            errors["owner_national_id"] = [_("The owner is an organisation or a person, not both.")]
        elif not self.owner_organisation_id and not self.owner_national_id:
            errors["owner_organisation"] = [_("Name the owner: an organisation, or a person by national ID.")]
        if self.owner_national_id and not self.owner_name.strip():
            errors["owner_name"] = [_("Give the name of the person who owns it.")]
        if self.township_id and self.township.level != "township":
            errors["township"] = [_("Choose a township or district, not a county.")]
        if self.kind_id:
            try:
                self.capacity = self.kind.clean_capacity(self.capacity)
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if errors:
            raise ValidationError(errors)

    @property
    def owner_label(self) -> str:
        """Who owns it, as anyone in scope may read it: the organisation, or the person's masked name and ID."""
        if self.owner_organisation_id:
            return str(self.owner_organisation)
        return f"{mask_name(self.owner_name)} {mask_national_id(self.owner_national_id)}"

    def capacity_rows(self) -> list[tuple[str, object]]:
        return [
            (self.kind.attribute_label(a), self.capacity.get(a["name"]))
            for a in self.kind.attributes
            if self.capacity.get(a["name"]) not in (None, "")
        ]


class SurveyCycle(TimeStampedModel):
    """The annual capacity survey (動員能量調查) of one year: every county confirms or updates its inventory."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True, validators=[MinValueValidator(2000)])
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey cycle")
        verbose_name_plural = _("survey cycles")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="materiel_cycle_dates_ordered")
        ]

    def __str__(self):
        return _("Capacity survey %(year)s") % {"year": self.year}

    @classmethod
    def scope_filter(cls, scope):
        return Q()


class CountySurvey(TimeStampedModel):
    """One county's part of a survey cycle, with its status and, once submitted, its figures per kind."""

    cycle = models.ForeignKey(SurveyCycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="surveys")
    county = models.ForeignKey(
        Region,
        verbose_name=_("county"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "county"},
    )
    status = models.CharField(
        _("status"), max_length=12, choices=SurveyStatus.choices, default=SurveyStatus.NOT_STARTED
    )
    # {kind code: number of active resources} at submission: what next year's figure compares with.
    snapshot = models.JSONField(_("figures at submission"), default=dict, blank=True)
    imported_rows = models.PositiveIntegerField(_("rows imported"), default=0)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "county"

    class Meta:
        verbose_name = _("county survey")
        verbose_name_plural = _("county surveys")
        ordering = ["-cycle__year", "county__code"]
        permissions = [
            ("submit_countysurvey", _("Submit the county's capacity survey")),
            ("accept_countysurvey", _("Accept a county's capacity survey (MND)")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "county"], name="materiel_survey_once_per_county"),
            models.CheckConstraint(condition=Q(status__in=SurveyStatus.values), name="materiel_survey_status_valid"),
        ]

    def __str__(self):
        return f"{self.cycle} · {self.county}"


class Requirement(TimeStampedModel):
    """What a unit needs (編管需求): a kind, how many, for which period, in which region, handed over where."""

    title = models.CharField(_("title"), max_length=200)
    unit_name = models.CharField(_("requesting unit"), max_length=200)
    kind = models.ForeignKey(Kind, verbose_name=_("kind"), on_delete=models.PROTECT, related_name="requirements")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1), MaxValueValidator(10000)])
    min_capacity = models.JSONField(_("minimum capacity"), default=dict, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    handover_point = models.CharField(_("handover point"), max_length=300)
    handover_latitude = models.DecimalField(
        _("handover point latitude"), max_digits=8, decimal_places=5, validators=LATITUDE
    )
    handover_longitude = models.DecimalField(
        _("handover point longitude"), max_digits=8, decimal_places=5, validators=LONGITUDE
    )
    handover_at = models.DateTimeField(_("handover time"))
    status = models.CharField(
        _("status"), max_length=10, choices=RequirementStatus.choices, default=RequirementStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["-id"]
        permissions = [("allocate_requirement", _("Match and confirm allocations of resources"))]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="materiel_requirement_period"),
            models.CheckConstraint(
                condition=Q(status__in=RequirementStatus.values), name="materiel_requirement_status_valid"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": [_("The period ends before it starts.")]})


def daterange(start, end):
    """PostgreSQL's daterange(start, end, '[]'): both days included."""
    return Func(start, end, Value("[]"), function="daterange", output_field=models.Field())


class Allocation(models.Model):
    """A resource held for a requirement's period. The exclusion constraint makes a resource held twice for
    overlapping periods impossible, whichever requirement, page or job tries it."""

    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.CASCADE, related_name="allocations"
    )
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="allocations"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    status = models.CharField(
        _("status"), max_length=10, choices=AllocationStatus.choices, default=AllocationStatus.PROPOSED
    )
    distance_km = models.DecimalField(_("distance (km)"), max_digits=8, decimal_places=2, null=True)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    requisition = models.ForeignKey(
        "materiel.Requisition",
        verbose_name=_("requisition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="allocations",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "requirement__region"

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["requirement", "rank"]
        constraints = [
            ExclusionConstraint(
                name="materiel_allocation_no_overlap",
                expressions=[(F("resource"), "="), (daterange(F("starts_on"), F("ends_on")), "&&")],
                condition=Q(status__in=HOLDING),
            ),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="materiel_allocation_period"),
        ]
        indexes = [models.Index(fields=["requirement", "status"], name="materiel_alloc_req_status")]

    def __str__(self):
        return f"{self.requirement} · {self.resource}"


class Requisition(TimeStampedModel):
    """A requisition order (徵用/徵購) drafted from a requirement's confirmed allocations, approved by another
    person, then issued as one notice per resource to its owner."""

    number = models.CharField(_("order number"), max_length=30, unique=True)
    title = models.CharField(_("title"), max_length=200)
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="requisitions"
    )
    kind = models.CharField(
        _("kind of requisition"), max_length=10, choices=RequisitionKind.choices, default=RequisitionKind.USE
    )
    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices, default=Purpose.DRILL)
    legal_basis = models.CharField(_("legal basis"), max_length=300, default="全民防衛動員準備法第二十八條", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RequisitionStatus.choices, default=RequisitionStatus.DRAFT
    )
    drafted_by = models.ForeignKey(
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
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_comment = models.TextField(_("approver's comment"), blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "requirement__region"

    class Meta:
        verbose_name = _("requisition order")
        verbose_name_plural = _("requisition orders")
        ordering = ["-id"]
        permissions = [
            ("submit_requisition", _("Submit a requisition order for approval")),
            ("approve_requisition", _("Approve or reject requisition orders")),
            ("issue_requisition", _("Issue the notices of an approved requisition order")),
            ("decide_conflict", _("Accept a conflict of a requisition order with a reason")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequisitionStatus.values), name="materiel_requisition_status_valid"
            )
        ]

    def __str__(self):
        return f"{self.number} {self.title}"


class RequisitionNotice(TimeStampedModel):
    """One requisition notice (徵用通知書) to the owner of one resource: issued once per order and resource.

    The owner is copied at issue (the paper the owner holds does not change when the registry does)."""

    requisition = models.ForeignKey(
        Requisition, verbose_name=_("requisition order"), on_delete=models.PROTECT, related_name="notices"
    )
    allocation = models.OneToOneField(
        Allocation,
        verbose_name=_("allocation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notice",
    )
    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="notices")
    number = models.CharField(_("notice number"), max_length=30, unique=True)
    verification_code = models.CharField(_("verification code"), max_length=32, unique=True)
    owner_label = models.CharField(_("owner"), max_length=250)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    handover_point = models.CharField(_("handover point"), max_length=300)
    handover_at = models.DateTimeField(_("handover time"))
    status = models.CharField(_("status"), max_length=12, choices=NoticeStatus.choices, default=NoticeStatus.ISSUED)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    handover_condition = models.CharField(
        _("condition at handover"), max_length=15, choices=Condition.choices, blank=True
    )
    handover_note = models.TextField(_("handover note"), blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    return_condition = models.CharField(_("condition at return"), max_length=15, choices=Condition.choices, blank=True)
    return_note = models.TextField(_("return note"), blank=True)
    compensation_amount = models.DecimalField(
        _("compensation (NT$)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    damage_claim = models.TextField(_("damage claim"), blank=True)
    exemption_reason = models.TextField(_("reason for exemption"), blank=True)
    replaces = models.OneToOneField(
        "self", verbose_name=_("replaces"), null=True, blank=True, on_delete=models.PROTECT, related_name="replaced_by"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "resource__township"
    scope_organisation_field = "resource__owner_organisation"

    class Meta:
        verbose_name = _("requisition notice")
        verbose_name_plural = _("requisition notices")
        ordering = ["requisition", "id"]
        permissions = [
            ("record_handover", _("Record the handover and return of requisitioned resources")),
            ("exempt_notice", _("Exempt or replace a requisitioned resource")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["requisition", "resource"], name="materiel_notice_once_per_resource"),
            models.CheckConstraint(condition=Q(status__in=NoticeStatus.values), name="materiel_notice_status_valid"),
        ]

    def __str__(self):
        return self.number


class Conflict(TimeStampedModel):
    """Something found before issuing that a person must resolve or accept with a reason (cross-domain check)."""

    requisition = models.ForeignKey(
        Requisition, verbose_name=_("requisition order"), on_delete=models.CASCADE, related_name="conflicts"
    )
    resource = models.ForeignKey(Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=25, choices=ConflictKind.choices)
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ConflictStatus.choices, default=ConflictStatus.OPEN)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "requisition__requirement__region"

    class Meta:
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")
        ordering = ["requisition", "status", "id"]
        constraints = [
            models.UniqueConstraint(fields=["requisition", "resource", "kind"], name="materiel_conflict_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.resource}"
