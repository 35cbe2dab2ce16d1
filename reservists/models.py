"""The reserve registry: reservists, their service history, Art. 29/30 priority grants and residence moves."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import DecisionRecord, Region, TimeStampedModel
from core.pii import mask_national_id, normalise_national_id, validate_national_id
from core.scope import ScopedQuerySet

from .choices import (
    Branch,
    Category,
    GrantBasis,
    GrantKind,
    MobilizationType,
    MoveStatus,
    ReservistStatus,
    ServiceSource,
    rank_label,
)


class ReserveUnit(TimeStampedModel):
    """A reserve unit with its assembly point, where called-up reservists report."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="+")
    assembly_point = models.CharField(_("assembly point"), max_length=300)
    assembly_time = models.TimeField(_("assembly time"), default="08:00")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        verbose_name = _("reserve unit")
        verbose_name_plural = _("reserve units")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"


class ReservistQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=ReservistStatus.ACTIVE)


class Reservist(TimeStampedModel):
    """One person in the reserve registry (後備軍人 or 補充兵)."""

    national_id = models.CharField(_("national ID"), max_length=10, unique=True, validators=[validate_national_id])
    name = models.CharField(_("name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    category = models.CharField(_("category"), max_length=20, choices=Category.choices, default=Category.RESERVIST)
    branch = models.CharField(_("branch"), max_length=20, choices=Branch.choices)
    rank = models.CharField(_("rank"), max_length=30, blank=True)
    specialty = models.CharField(_("specialty (MOS code)"), max_length=20, blank=True, db_index=True)
    retirement_date = models.DateField(
        _("retirement date"), help_text=_("退伍/歸鄉 date: the 8-year windows of Art. 27 and 28 count from it.")
    )
    township = models.ForeignKey(
        Region,
        verbose_name=_("household-registration township"),
        on_delete=models.PROTECT,
        related_name="reservists",
        limit_choices_to={"level": "township"},
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    delivery_address = models.CharField(
        _("delivery address for notices"),
        max_length=300,
        blank=True,
        # In the database too: bulk loads (COPY) name only the columns they fill.
        db_default="",
        help_text=_("Where notices go when it is not the address above; the reservist keeps it through self-service."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    occupation = models.CharField(_("occupation"), max_length=100, blank=True)
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    reserve_unit = models.ForeignKey(
        ReserveUnit,
        verbose_name=_("assigned reserve unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reservists",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReservistStatus.choices, default=ReservistStatus.ACTIVE
    )

    objects = ReservistQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("reservist")
        verbose_name_plural = _("reservists")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["township", "id"], name="reservist_township_id"),
            models.Index(fields=["retirement_date"], name="reservist_retirement"),
            models.Index(fields=["name"], name="reservist_name"),
            # Prefix search by name (LIKE '王%') and by the start of a national ID.
            models.Index(fields=["name"], name="reservist_name_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["national_id"], name="reservist_nid_prefix", opclasses=["varchar_pattern_ops"]),
            # Search as clerks type (issue 18): any part of a name (the given name alone), the last digits of an
            # ID (LIKE '%789', trigrams), and the birth date.
            GinIndex(fields=["name"], opclasses=["gin_trgm_ops"], name="reservist_name_trgm"),
            GinIndex(fields=["national_id"], opclasses=["gin_trgm_ops"], name="reservist_nid_trgm"),
            models.Index(fields=["birth_date"], name="reservist_birth_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retirement_date__gt=models.F("birth_date")), name="reservist_retired_after_birth"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_national_id})"

    @property
    def rank_display(self) -> str:
        """The rank in the reader's language (recorded in Chinese: 少尉 reads "Second lieutenant" in English)."""
        return rank_label(self.rank)

    @property
    def notice_address(self) -> str:
        """Where a notice is delivered: the delivery address the person gave, else the address."""
        return self.delivery_address or self.address

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id)

    def clean(self):
        super().clean()
        self.national_id = normalise_national_id(self.national_id)
        errors = {}
        if self.birth_date and self.retirement_date and self.retirement_date <= self.birth_date:
            errors["retirement_date"] = _("The retirement date must be after the birth date.")
        if self.township_id and self.township.level != "township":
            errors["township"] = _("Choose a township, not a county.")
        if errors:
            raise ValidationError(errors)


class ServiceRecord(TimeStampedModel):
    """One call-up served. The rules engine counts these against the caps of Art. 26-28."""

    reservist = models.ForeignKey(
        Reservist, verbose_name=_("reservist"), on_delete=models.CASCADE, related_name="service_records"
    )
    mobilization_type = models.CharField(_("mobilization type"), max_length=20, choices=MobilizationType.choices)
    start_date = models.DateField(_("start date"))
    days = models.PositiveSmallIntegerField(_("days"))
    source = models.CharField(_("source"), max_length=20, choices=ServiceSource.choices, default=ServiceSource.MANUAL)
    reference = models.CharField(
        _("reference"),
        max_length=100,
        blank=True,
        help_text=_("The call-up order or the imported file this record came from."),
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "reservist__township"

    class Meta:
        verbose_name = _("service record")
        verbose_name_plural = _("service records")
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["reservist", "mobilization_type"], name="service_reservist_type")]
        constraints = [models.CheckConstraint(condition=models.Q(days__gte=1), name="service_days_positive")]

    def __str__(self):
        return f"{self.get_mobilization_type_display()} {self.start_date} ({self.days})"


class PriorityGrant(TimeStampedModel):
    """An Art. 29 (successive) or Art. 30 (later) call-up grant, valid over a period, with its basis."""

    reservist = models.ForeignKey(
        Reservist, verbose_name=_("reservist"), on_delete=models.CASCADE, related_name="priority_grants"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GrantKind.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=GrantBasis.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Leave empty for no end date."))
    evidence = models.TextField(_("evidence"), blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by_name = models.CharField(_("approved by (name)"), max_length=150, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "reservist__township"

    class Meta:
        verbose_name = _("priority grant")
        verbose_name_plural = _("priority grants")
        ordering = ["-valid_from"]
        indexes = [models.Index(fields=["reservist", "valid_from"], name="grant_reservist_from")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="successive", basis__startswith="art29.")
                    | models.Q(kind="later", basis__startswith="art30.")
                ),
                name="grant_basis_matches_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=models.F("valid_from")),
                name="grant_period_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_basis_display()} {self.valid_from}–{self.valid_until or ''}"

    def clean(self):
        super().clean()
        errors = {}
        if self.kind and self.basis and self.basis not in GrantBasis.for_kind(self.kind):
            errors["basis"] = _(
                "The basis %(basis)s does not match the kind %(kind)s: Art. 29 items are "
                "successive call-ups, Art. 30 items later call-ups."
            ) % {"basis": self.basis, "kind": self.kind}
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity must not be before its start.")
        if errors:
            raise ValidationError(errors)

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class ResidenceMove(DecisionRecord, TimeStampedModel):
    """A request to move a reservist's residence (Art. 24): filed by a township office, decided by the MND."""

    reservist = models.ForeignKey(
        Reservist, verbose_name=_("reservist"), on_delete=models.CASCADE, related_name="residence_moves"
    )
    from_township = models.ForeignKey(
        Region, verbose_name=_("from township"), on_delete=models.PROTECT, related_name="+"
    )
    to_township = models.ForeignKey(Region, verbose_name=_("to township"), on_delete=models.PROTECT, related_name="+")
    new_address = models.CharField(_("new address"), max_length=300, blank=True)
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=MoveStatus.choices, default=MoveStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "reservist__township"

    class Meta:
        verbose_name = _("residence move")
        verbose_name_plural = _("residence moves")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="move_status_created")]
        permissions = [("decide_residencemove", _("Approve or reject residence moves"))]

    def __str__(self):
        return f"{self.reservist} {self.from_township} → {self.to_township}"

    @classmethod
    def scope_filter(cls, scope):
        # Both ends of a move can see it: the office that filed it and the township it goes to.
        return (
            models.Q(reservist__township__in=scope.region_ids)
            | models.Q(from_township__in=scope.region_ids)
            | models.Q(to_township__in=scope.region_ids)
        )
