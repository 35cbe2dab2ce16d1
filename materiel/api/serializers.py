import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cip.models import Asset
from core.models import Organisation, Region
from core.pii import mask_name, mask_national_id

from ..choices import Condition, Purpose, RequisitionKind
from ..models import (
    Allocation,
    Conflict,
    CountySurvey,
    Kind,
    Requirement,
    Requisition,
    RequisitionNotice,
    Resource,
    SurveyCycle,
)


class ScopedPKField(serializers.PrimaryKeyRelatedField):
    """A related object by id among those the requesting user may see (others: "does not exist")."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.for_user(request.user) if request is not None else queryset.none()


class RegionField(serializers.SlugRelatedField):
    """A region by its code: a township's zipcode (220) or a county's ISO code (TW-NWT)."""

    def __init__(self, level: str | None = None, **kwargs):
        kwargs.setdefault("slug_field", "code")
        queryset = Region.objects.all()
        if level:
            queryset = queryset.filter(level=level)
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", queryset)
        super().__init__(**kwargs)


class KindSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Kind
        fields = ["id", "sector", "code", "name", "name_zh", "name_en", "attributes"]


class OwnerSerializer(serializers.Serializer):
    """Who owns a resource: an organisation, or a person with name and national ID masked."""

    type = serializers.CharField()
    organisation = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    national_id = serializers.CharField(allow_blank=True)


class ModelCleanMixin:
    """Run the model's clean() on the would-be instance, so the API refuses what the pages refuse."""

    def run_model_clean(self, attrs):
        instance = copy.copy(self.instance) if self.instance is not None else self.Meta.model()
        for key, value in attrs.items():
            setattr(instance, key, value)
        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return {key: getattr(instance, key) for key in attrs}


class ResourceSerializer(ModelCleanMixin, serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=Kind.objects.all())
    township = RegionField(level="township")
    county = serializers.CharField(source="township.parent.code", read_only=True)
    owner = serializers.SerializerMethodField()
    owner_organisation = ScopedPKField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    owner_national_id = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=10)
    owner_name = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=100)
    driver_national_id = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=10)
    cip_asset = ScopedPKField(queryset=Asset.objects.all(), required=False, allow_null=True)
    capacity = serializers.JSONField(required=False)

    class Meta:
        model = Resource
        fields = [
            "id",
            "kind",
            "registration",
            "name",
            "owner",
            "owner_organisation",
            "owner_national_id",
            "owner_name",
            "driver_national_id",
            "township",
            "county",
            "address",
            "latitude",
            "longitude",
            "capacity",
            "condition",
            "inspection_due_on",
            "insurance_due_on",
            "cip_asset",
            "is_active",
            "confirmed_year",
        ]
        read_only_fields = ["confirmed_year"]
        validators: list = []  # the unique (kind, registration) is checked in validate() with a clear message

    @extend_schema_field(OwnerSerializer)
    def get_owner(self, resource) -> dict:
        if resource.owner_organisation_id:
            return {
                "type": "organisation",
                "organisation": resource.owner_organisation_id,
                "name": str(resource.owner_organisation),
                "national_id": "",
            }
        return {
            "type": "person",
            "organisation": None,
            "name": mask_name(resource.owner_name),
            "national_id": mask_national_id(resource.owner_national_id),
        }

    def validate(self, attrs):
        attrs = self.run_model_clean(attrs)
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        registration = attrs.get("registration", getattr(self.instance, "registration", None))
        clash = Resource.objects.filter(kind=kind, registration=registration)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if kind is not None and clash.exists():
            raise serializers.ValidationError(
                {"registration": [_("A resource of this kind with this registration number is already registered.")]}
            )
        return attrs


class SurveyCycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyCycle
        fields = ["id", "year", "opens_on", "closes_on"]


class CountySurveySerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="cycle.year", read_only=True)
    county = serializers.CharField(source="county.code", read_only=True)
    changes = serializers.SerializerMethodField()

    class Meta:
        model = CountySurvey
        fields = [
            "id",
            "year",
            "county",
            "status",
            "imported_rows",
            "snapshot",
            "submitted_at",
            "accepted_at",
            "comment",
            "changes",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_changes(self, survey) -> dict:
        from ..services import changes_since_last_year

        return changes_since_last_year(survey)


class MaterielNoteSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField()


class RequirementSerializer(serializers.ModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", queryset=Kind.objects.all())
    region = RegionField()
    allocated = serializers.SerializerMethodField()

    class Meta:
        model = Requirement
        fields = [
            "id",
            "title",
            "unit_name",
            "kind",
            "quantity",
            "min_capacity",
            "starts_on",
            "ends_on",
            "region",
            "handover_point",
            "handover_latitude",
            "handover_longitude",
            "handover_at",
            "status",
            "allocated",
        ]
        read_only_fields = ["status"]

    def get_allocated(self, requirement) -> int:
        return (
            getattr(requirement, "allocated_count", None)
            or requirement.allocations.filter(status__in=("proposed", "confirmed")).count()
        )

    def validate(self, attrs):
        starts_on = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends_on = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts_on and ends_on and ends_on < starts_on:
            raise serializers.ValidationError({"ends_on": [_("The period ends before it starts.")]})
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        minimum = attrs.get("min_capacity") or {}
        if not isinstance(minimum, dict):
            raise serializers.ValidationError({"min_capacity": [_("Capacity is an object of attribute: value.")]})
        numeric = {a["name"] for a in kind.attributes if a.get("type") in ("int", "decimal")} if kind else set()
        for name, value in minimum.items():
            if name not in numeric:
                raise serializers.ValidationError(
                    {"min_capacity": [_("%(name)s is not a numeric capacity attribute of this kind.") % {"name": name}]}
                )
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise serializers.ValidationError(
                    {"min_capacity": [_("%(name)s must be a non-negative number.") % {"name": name}]}
                )
        if self.instance is not None and self.instance.status != "open":
            raise serializers.ValidationError({"status": [_("Only an open requirement can be changed.")]})
        return attrs


class AllocationSerializer(serializers.ModelSerializer):
    resource = serializers.IntegerField(source="resource_id")
    registration = serializers.CharField(source="resource.registration")
    township = serializers.CharField(source="resource.township.code")

    class Meta:
        model = Allocation
        fields = ["id", "resource", "registration", "township", "status", "distance_km", "rank", "starts_on", "ends_on"]


class MatchResultSerializer(serializers.Serializer):
    requirement = serializers.IntegerField()
    proposed = serializers.IntegerField()
    confirmed = serializers.IntegerField()
    shortfall = serializers.IntegerField()
    allocations = AllocationSerializer(many=True)


class ShortfallSerializer(serializers.Serializer):
    region = serializers.CharField()
    region_name = serializers.CharField()
    region_name_en = serializers.CharField()
    kind = serializers.CharField()
    kind_name = serializers.CharField()
    kind_name_en = serializers.CharField()
    required = serializers.IntegerField()
    allocated = serializers.IntegerField()
    shortfall = serializers.IntegerField()


class ConflictSerializer(serializers.ModelSerializer):
    registration = serializers.CharField(source="resource.registration", read_only=True)

    class Meta:
        model = Conflict
        fields = ["id", "resource", "registration", "kind", "detail", "status", "reason", "decided_at"]
        read_only_fields = fields


class RequisitionSerializer(serializers.ModelSerializer):
    requirement = ScopedPKField(queryset=Requirement.objects.all())
    kind = serializers.ChoiceField(choices=RequisitionKind.choices, default=RequisitionKind.USE)
    purpose = serializers.ChoiceField(choices=Purpose.choices, default=Purpose.DRILL)
    conflicts = ConflictSerializer(many=True, read_only=True)
    resources = serializers.SerializerMethodField()

    class Meta:
        model = Requisition
        fields = [
            "id",
            "number",
            "title",
            "requirement",
            "kind",
            "purpose",
            "legal_basis",
            "status",
            "drafted_by",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "decision_comment",
            "issued_at",
            "resources",
            "conflicts",
        ]
        read_only_fields = [
            "number",
            "status",
            "drafted_by",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "decision_comment",
            "issued_at",
        ]

    def get_resources(self, requisition) -> list[int]:
        return [a.resource_id for a in requisition.allocations.all() if a.status == "confirmed"]


class RequisitionNoticeSerializer(serializers.ModelSerializer):
    requisition = serializers.IntegerField(source="requisition_id", read_only=True)
    resource = serializers.IntegerField(source="resource_id", read_only=True)
    registration = serializers.CharField(source="resource.registration", read_only=True)
    replaces = serializers.IntegerField(source="replaces_id", read_only=True, allow_null=True)

    class Meta:
        model = RequisitionNotice
        fields = [
            "id",
            "number",
            "requisition",
            "resource",
            "registration",
            "owner_label",
            "starts_on",
            "ends_on",
            "handover_point",
            "handover_at",
            "status",
            "verification_code",
            "handed_over_at",
            "handover_condition",
            "handover_note",
            "returned_at",
            "return_condition",
            "return_note",
            "compensation_amount",
            "damage_claim",
            "exemption_reason",
            "replaces",
        ]
        read_only_fields = fields


class HandoverSerializer(serializers.Serializer):
    condition = serializers.ChoiceField(choices=Condition.choices)
    at = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReturnSerializer(HandoverSerializer):
    compensation_amount = serializers.DecimalField(
        max_digits=12, decimal_places=0, required=False, allow_null=True, min_value=0
    )
    damage_claim = serializers.CharField(required=False, allow_blank=True, default="", max_length=4000)


class MaterielExemptSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000)
    replace = serializers.BooleanField(default=False)
