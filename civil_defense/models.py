"""Civil-defense teams and their rosters, shelters and shelter assignments, stations and training.

Local governments keep these for their own area (seed 004 ch. 5: 民防團隊, 救濟站, 配售站, 急救站;
Art. 24: reservists selected for emergency mobilization in war are assigned a shelter by local civil defense).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import DecisionRecord, Organisation, Region, TimeStampedModel
from core.pii import mask_national_id, normalise_national_id, validate_national_id
from core.scope import ScopedQuerySet

from .choices import Availability, ReleaseStatus, ShelterKind, StationKind, TeamKind


def _check_region_pair(county, township, errors: dict) -> None:
    if county is not None and county.level != "county":
        errors["county"] = _("Choose a county or city, not a township.")
    if township is not None:
        if township.level != "township":
            errors["township"] = _("Choose a township, not a county.")
        elif county is not None and township.parent_id != county.pk:
            errors["township"] = _("The township is not in the chosen county.")


class TeamQuerySet(ScopedQuerySet):
    def with_figures(self):
        """Annotate `establishment` (authorised posts) and `strength` (members on the roster), set-based."""
        establishment = (
            TeamPosition.objects.filter(team=OuterRef("pk"))
            .order_by()
            .values("team")
            .annotate(total=Sum("authorised"))
            .values("total")
        )
        strength = (
            Member.objects.filter(team=OuterRef("pk"))
            .order_by()
            .values("team")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(
            establishment=Coalesce(Subquery(establishment, output_field=IntegerField()), 0),
            strength=Coalesce(Subquery(strength, output_field=IntegerField()), 0),
        )


class Team(TimeStampedModel):
    """A civil-defense team (民防團隊): a corps and its brigades, squads and teams, or another kind of group.

    A county-level team has no township; `region` is the township if there is one, else the county, so that
    a county official sees every team of the county and a township clerk only the township's.
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=TeamKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    county = models.ForeignKey(
        Region,
        verbose_name=_("county / city"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "county"},
    )
    township = models.ForeignKey(
        Region,
        verbose_name=_("township / district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "township"},
    )
    region = models.ForeignKey(
        Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("running organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    leader = models.CharField(_("leader"), max_length=100, blank=True)
    leader_phone = models.CharField(_("leader's phone"), max_length=30, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = TeamQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        verbose_name = _("civil-defense team")
        verbose_name_plural = _("civil-defense teams")
        ordering = ["county__code", "name"]
        indexes = [models.Index(fields=["region", "name"], name="cd_team_region_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(township__isnull=True, region=models.F("county"))
                | Q(township__isnull=False, region=models.F("township")),
                name="cd_team_region_is_township_or_county",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="cd_team_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("civil_defense:team-detail", args=[self.pk])

    def save(self, *args, **kwargs):
        if self.township_id and not self.county_id:
            self.county_id = Region.objects.values_list("parent_id", flat=True).get(pk=self.township_id)
        self.region_id = self.township_id or self.county_id
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors: dict = {}
        county = self.county if self.county_id else None
        township = self.township if self.township_id else None
        if township is not None and county is None and township.parent_id:
            self.county_id = township.parent_id
            county = township.parent
        _check_region_pair(county, township, errors)
        if self.parent_id:
            if self.county_id and self.parent.county_id != self.county_id:
                errors["parent"] = _("The parent team must be in the same county.")
            elif self.pk:
                node, seen = self.parent, set()
                while node is not None and node.pk not in seen:
                    if node.pk == self.pk:
                        errors["parent"] = _("A team cannot be placed under itself or one of its own sub-teams.")
                        break
                    seen.add(node.pk)
                    node = node.parent
        if errors:
            raise ValidationError(errors)


class TeamPosition(TimeStampedModel):
    """The authorised establishment of a team for one position (編制員額)."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="positions")
    position = models.CharField(pgettext_lazy("team post", "position"), max_length=100)
    authorised = models.PositiveIntegerField(_("authorised posts"))

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "team__region"

    class Meta:
        verbose_name = _("authorised position")
        verbose_name_plural = _("authorised positions")
        ordering = ["team", "position"]
        constraints = [models.UniqueConstraint(fields=["team", "position"], name="cd_position_unique_per_team")]

    def __str__(self):
        return f"{self.position} × {self.authorised}"


class MemberQuerySet(ScopedQuerySet):
    def with_flags(self):
        """`in_other_team` and `is_reservist` flags, set-based (see services/conflicts.py for the call-up hook)."""
        from .services.conflicts import reservist_flag_expression

        others = Member.objects.filter(national_id=OuterRef("national_id")).exclude(pk=OuterRef("pk"))
        return self.annotate(in_other_team=Exists(others), reservist_flag=reservist_flag_expression())

    def with_last_trained(self):
        from .training import last_trained_subquery

        return self.annotate(last_trained=last_trained_subquery())


class Member(TimeStampedModel):
    """A person on a team's roster. The national ID is validated and shown masked, as in the registry."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="members")
    national_id = models.CharField(_("national ID"), max_length=10, validators=[validate_national_id])
    name = models.CharField(pgettext_lazy("person", "name"), max_length=100)
    position = models.CharField(pgettext_lazy("team post", "position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    skills = models.CharField(_("skills"), max_length=300, blank=True, help_text=_("Separated by commas."))
    availability = models.CharField(
        _("availability"), max_length=20, choices=Availability.choices, default=Availability.AVAILABLE
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = MemberQuerySet.as_manager()
    scope_region_field = "team__region"

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        ordering = ["team", "name"]
        indexes = [models.Index(fields=["national_id"], name="cd_member_national_id")]
        constraints = [
            models.UniqueConstraint(fields=["team", "national_id"], name="cd_member_once_per_team"),
        ]

    def __str__(self):
        return f"{self.name} ({self.masked_national_id})"

    @property
    def masked_national_id(self) -> str:
        return mask_national_id(self.national_id)

    def get_absolute_url(self):
        return reverse("civil_defense:member-detail", args=[self.pk])

    def clean(self):
        super().clean()
        self.national_id = normalise_national_id(self.national_id)


class Certificate(TimeStampedModel):
    """A member's certificate (first aid, rescue, ...) with its expiry date."""

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="certificates")
    name = models.CharField(_("certificate"), max_length=100)
    number = models.CharField(_("number"), max_length=50, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "member__team__region"

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["expires_on"]

    def __str__(self):
        return self.name


class ShelterQuerySet(ScopedQuerySet):
    def with_assigned(self):
        assigned = (
            ShelterAssignment.objects.filter(shelter=OuterRef("pk"), released_at__isnull=True)
            .order_by()
            .values("shelter")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(assigned=Coalesce(Subquery(assigned, output_field=IntegerField()), 0))


class Shelter(TimeStampedModel):
    """An air-raid shelter / evacuation place (避難處所) with its capacity."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=ShelterKind.choices, default=ShelterKind.BASEMENT)
    township = models.ForeignKey(
        Region,
        verbose_name=_("township / district"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "township"},
    )
    address = models.CharField(_("address"), max_length=300)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (persons)"))
    manager = models.CharField(_("manager"), max_length=100, blank=True)
    manager_phone = models.CharField(_("manager's phone"), max_length=30, blank=True)

    objects = ShelterQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")
        ordering = ["township__code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90), name="cd_shelter_lat"
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="cd_shelter_lon",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("civil_defense:shelter-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors: dict = {}
        if self.township_id:
            _check_region_pair(None, self.township, errors)
        if self.pk and self.capacity is not None:
            assigned = ShelterAssignment.objects.filter(shelter_id=self.pk, released_at__isnull=True).count()
            if self.capacity < assigned:
                errors["capacity"] = _(
                    "%(n)d reservists are assigned here; the capacity cannot be lower than that."
                ) % {"n": assigned}
        if errors:
            raise ValidationError(errors)


class ShelterAssignment(TimeStampedModel):
    """A reservist assigned to a shelter (Art. 24). Ended only through an approved release request."""

    shelter = models.ForeignKey(
        Shelter, verbose_name=_("shelter"), on_delete=models.PROTECT, related_name="assignments"
    )
    reservist = models.ForeignKey(
        "reservists.Reservist", verbose_name=_("reservist"), on_delete=models.PROTECT, related_name="+"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_request = models.OneToOneField(
        "ShelterReleaseRequest",
        verbose_name=_("approved release"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="released_assignment",
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "shelter__township"

    class Meta:
        verbose_name = _("shelter assignment")
        verbose_name_plural = _("shelter assignments")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["reservist"], condition=Q(released_at__isnull=True), name="cd_one_open_shelter_per_reservist"
            ),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | Q(release_request__isnull=False),
                name="cd_release_needs_approval",
            ),
        ]
        indexes = [models.Index(fields=["shelter", "released_at"], name="cd_assignment_shelter_open")]

    def __str__(self):
        return f"{self.reservist_id} → {self.shelter_id}"


class ShelterReleaseRequest(DecisionRecord, TimeStampedModel):
    """A request to move an assigned reservist to another shelter or release them; decided by someone else."""

    assignment = models.ForeignKey(
        ShelterAssignment, verbose_name=_("assignment"), on_delete=models.PROTECT, related_name="release_requests"
    )
    target_shelter = models.ForeignKey(
        Shelter,
        verbose_name=_("move to shelter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Leave empty to release the reservist from shelter assignment."),
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=ReleaseStatus.choices, default=ReleaseStatus.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "assignment__shelter__township"

    class Meta:
        verbose_name = _("shelter release request")
        verbose_name_plural = _("shelter release requests")
        ordering = ["-id"]
        permissions = [("approve_shelterreleaserequest", _("Approve moving or releasing a shelter assignment"))]
        constraints = [
            models.CheckConstraint(condition=~Q(decided_by=models.F("requested_by")), name="cd_release_four_eyes"),
            models.UniqueConstraint(
                fields=["assignment"], condition=Q(status="pending"), name="cd_one_pending_release_per_assignment"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.get_status_display()}"


class Station(TimeStampedModel):
    """A planned relief (救濟站), distribution (配售站) or first-aid (急救站) station."""

    kind = models.CharField(_("kind"), max_length=20, choices=StationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    township = models.ForeignKey(
        Region,
        verbose_name=_("township / district"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"level": "township"},
    )
    address = models.CharField(_("location"), max_length=300)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity (persons per day)"))
    teams = models.ManyToManyField(Team, verbose_name=_("staffing teams"), blank=True, related_name="stations")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "township"

    class Meta:
        verbose_name = _("station")
        verbose_name_plural = _("stations")
        ordering = ["township__code", "kind", "name"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    def get_absolute_url(self):
        return reverse("civil_defense:station-list")

    def clean(self):
        super().clean()
        errors: dict = {}
        if self.township_id:
            _check_region_pair(None, self.township, errors)
        if errors:
            raise ValidationError(errors)


class TrainingSession(TimeStampedModel):
    """A training session held by a team; attendance makes its members' training current."""

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="trainings")
    date = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    location = models.CharField(_("location"), max_length=200, blank=True)
    attendees = models.ManyToManyField(
        Member, verbose_name=_("attendance"), through="TrainingAttendance", blank=True, related_name="trainings"
    )

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "team__region"

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="cd_training_hours_positive")]

    def __str__(self):
        return f"{self.date} {self.subject}"

    def get_absolute_url(self):
        return reverse("civil_defense:training-detail", args=[self.pk])


class TrainingAttendance(TimeStampedModel):
    """One member attending one session."""

    session = models.ForeignKey(
        TrainingSession, verbose_name=_("training session"), on_delete=models.CASCADE, related_name="attendance"
    )
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendance")

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "session__team__region"

    class Meta:
        verbose_name = _("training attendance")
        verbose_name_plural = _("training attendance")
        constraints = [models.UniqueConstraint(fields=["session", "member"], name="cd_attendance_once")]
        indexes = [models.Index(fields=["member", "session"], name="cd_attendance_member")]

    def __str__(self):
        return f"{self.member_id} @ {self.session_id}"


__all__ = [
    "Availability",
    "Certificate",
    "Member",
    "Shelter",
    "ShelterAssignment",
    "ShelterReleaseRequest",
    "Station",
    "Team",
    "TeamPosition",
    "TrainingAttendance",
    "TrainingSession",
]
