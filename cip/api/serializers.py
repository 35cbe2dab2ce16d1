from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from civil_defense.models import Team
from core.models import Organisation, Region

from ..choices import AssetLevel, AssetStatus, PlanStatus, UnitKind
from ..models import Asset, Dependency, PlanUnit, ProtectionPlan, RiskAssessment, Sector, SubSector


@extend_schema_field(OpenApiTypes.INT)
class LevelField(serializers.ChoiceField):
    """A control level 1, 2 or 3 (an integer in the schema: field names like `level` are shared by other
    apps' enums, and spectacular warns about colliding enum names)."""

    def __init__(self, **kwargs):
        super().__init__(choices=AssetLevel.choices, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class CodeChoiceField(serializers.ChoiceField):
    """A choice given by its code (documented in the field's help text rather than as a named enum)."""

    def __init__(self, choices, **kwargs):
        kwargs.setdefault("help_text", ", ".join(str(value) for value, _label in choices))
        super().__init__(choices=choices, **kwargs)


class SubSectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = SubSector
        fields = ["code", "name", "name_zh", "name_en"]


class SectorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    subsectors = SubSectorSerializer(many=True, read_only=True)

    class Meta:
        model = Sector
        fields = ["id", "code", "name", "name_zh", "name_en", "ministry", "subsectors"]


class ScopedPKField(serializers.PrimaryKeyRelatedField):
    """A related object chosen by id among those the requesting user may see (others: "does not exist")."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.for_user(request.user) if request is not None else queryset.none()


class TownshipField(serializers.SlugRelatedField):
    """A township by its zipcode. Any township may be chosen: an asset's scope is checked after the write."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        kwargs.setdefault("queryset", Region.objects.townships())
        super().__init__(**kwargs)


class AssetSerializer(serializers.ModelSerializer):
    sector = serializers.SlugRelatedField(slug_field="code", queryset=Sector.objects.all())
    subsector = serializers.SlugRelatedField(
        slug_field="code", queryset=SubSector.objects.all(), required=False, allow_null=True
    )
    operator = ScopedPKField(queryset=Organisation.objects.all())
    township = TownshipField()
    county = serializers.CharField(source="township.parent.code", read_only=True)
    level = LevelField()
    status = CodeChoiceField(AssetStatus.choices, required=False)

    class Meta:
        model = Asset
        fields = [
            "id",
            "name",
            "sector",
            "subsector",
            "level",
            "status",
            "operator",
            "ministry",
            "township",
            "county",
            "address",
            "latitude",
            "longitude",
            "description",
            "risk_level",
            "risk_score",
            "likelihood",
            "impact",
            "last_assessed_on",
            "assessment_due_on",
        ]
        read_only_fields = [
            "risk_level",
            "risk_score",
            "likelihood",
            "impact",
            "last_assessed_on",
            "assessment_due_on",
        ]

    def validate(self, attrs):
        sector = attrs.get("sector", getattr(self.instance, "sector", None))
        subsector = attrs["subsector"] if "subsector" in attrs else getattr(self.instance, "subsector", None)
        if subsector is not None and sector is not None and subsector.sector_id != sector.pk:
            raise serializers.ValidationError({"subsector": [_("This sub-sector belongs to another sector.")]})
        return attrs


class DependencySerializer(serializers.ModelSerializer):
    """An edge of the graph. The upstream asset is one of the user's (`depends_on`, an id) or any asset on the
    national list named by its registry code (`depends_on_code`, CI-000123); of the upstream asset the answer
    tells only its name, sector and code."""

    asset = ScopedPKField(queryset=Asset.objects.all())
    depends_on = ScopedPKField(queryset=Asset.objects.all(), required=False)
    depends_on_code = serializers.CharField(required=False, max_length=20)
    depends_on_name = serializers.CharField(source="depends_on.name", read_only=True)
    depends_on_sector = serializers.CharField(source="depends_on.sector.code", read_only=True)

    class Meta:
        model = Dependency
        fields = [
            "id",
            "asset",
            "depends_on",
            "depends_on_code",
            "depends_on_name",
            "depends_on_sector",
            "kind",
            "note",
        ]
        validators = []  # the upstream asset may come by code: validate() checks the edge is new

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["depends_on_code"] = instance.depends_on.registry_code
        return data

    def validate(self, attrs):
        upstream, code = attrs.pop("depends_on", None), attrs.pop("depends_on_code", "").strip()
        if code:
            if upstream is not None:
                raise serializers.ValidationError(
                    {"depends_on_code": [_("Give depends_on or depends_on_code, not both.")]}
                )
            pk = Asset.pk_from_registry_code(code)
            upstream = Asset.objects.filter(pk=pk).first() if pk else None
            if upstream is None:
                raise serializers.ValidationError(
                    {"depends_on_code": [_("No asset on the national list has the code %(code)s.") % {"code": code}]}
                )
        if upstream is None:
            raise serializers.ValidationError({"depends_on": [_("This field is required.")]})
        attrs["depends_on"] = upstream
        if attrs.get("asset") and attrs.get("asset") == upstream:
            raise serializers.ValidationError({"depends_on": [_("An asset cannot depend on itself.")]})
        if Dependency.objects.filter(asset=attrs["asset"], depends_on=upstream, kind=attrs["kind"]).exists():
            raise serializers.ValidationError({"depends_on": [_("This dependency is already recorded.")]})
        return attrs


class AffectedAssetSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="asset.id")
    name = serializers.CharField(source="asset.name")
    sector = serializers.CharField(source="asset.sector.code")
    subsector = serializers.CharField(source="asset.subsector.code", allow_null=True, default=None)
    level = serializers.IntegerField(source="asset.level")
    county = serializers.CharField(source="asset.township.parent.code")
    depth = serializers.IntegerField()
    kinds = serializers.ListField(child=serializers.CharField())


class SectorCountSerializer(serializers.Serializer):
    sector = serializers.CharField()
    count = serializers.IntegerField()


class CascadeSerializer(serializers.Serializer):
    asset = serializers.IntegerField(source="root.id")
    direction = serializers.CharField(default="dependents")
    max_depth = serializers.IntegerField()
    affected = AffectedAssetSerializer(many=True)
    sectors = serializers.SerializerMethodField()

    def get_sectors(self, cascade) -> list[dict]:
        return SectorCountSerializer([{"sector": s.code, "count": n} for s, n in cascade.by_sector()], many=True).data


class RiskAssessmentSerializer(serializers.ModelSerializer):
    asset = ScopedPKField(queryset=Asset.objects.all())
    control_level = LevelField(read_only=True)
    assessed_on = serializers.DateField(required=False)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "asset",
            "scenario",
            "likelihood",
            "impact",
            "score",
            "risk_level",
            "control_level",
            "matrix",
            "assessor",
            "assessor_name",
            "assessed_on",
            "notes",
        ]
        read_only_fields = ["score", "risk_level", "control_level", "matrix", "assessor", "assessor_name"]


class PlanUnitSerializer(serializers.ModelSerializer):
    # Among the organisations the user may name (their scope): another id is "does not exist" either way.
    organisation = ScopedPKField(queryset=Organisation.objects.all(), required=False, allow_null=True)
    # A civil-defense team from civil_defense/, among the teams the user may see.
    team = ScopedPKField(queryset=Team.objects.all(), required=False, allow_null=True)

    class Meta:
        model = PlanUnit
        fields = ["id", "kind", "name", "organisation", "team", "task", "contact"]

    def validate(self, attrs):
        if attrs.get("team") is not None and attrs.get("kind") != UnitKind.CIVIL_DEFENSE:
            raise serializers.ValidationError(
                {"team": [_("Only a civil-defense unit refers to a civil-defense team.")]}
            )
        return attrs


class ProtectionPlanSerializer(serializers.ModelSerializer):
    asset = ScopedPKField(queryset=Asset.objects.all())
    units = PlanUnitSerializer(many=True, required=False)
    status = CodeChoiceField(PlanStatus.choices, read_only=True)

    class Meta:
        model = ProtectionPlan
        fields = [
            "id",
            "asset",
            "title",
            "status",
            "requires_approval",
            "measures",
            "last_drill_on",
            "next_review_on",
            "units",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "decision_comment",
        ]
        # State changes only through the submit/approve/return/reopen actions: a PATCH of `status`
        # is ignored, so a level-1 plan cannot skip its approval.
        read_only_fields = [
            "status",
            "requires_approval",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "decision_comment",
        ]

    def validate(self, attrs):
        from ..choices import PlanStatus

        if self.instance is not None:
            if self.instance.status != PlanStatus.DRAFT:
                raise serializers.ValidationError({"status": [_("Only a draft plan can be edited; reopen it first.")]})
            if "asset" in attrs and attrs["asset"] != self.instance.asset:
                raise serializers.ValidationError({"asset": [_("A plan cannot move to another asset.")]})
        return attrs

    def create(self, validated_data):
        units = validated_data.pop("units", [])
        plan = ProtectionPlan.objects.create(**validated_data)
        PlanUnit.objects.bulk_create([PlanUnit(plan=plan, **unit) for unit in units])
        return plan

    def update(self, instance, validated_data):
        units = validated_data.pop("units", None)
        instance = super().update(instance, validated_data)
        if units is not None:
            instance.units.all().delete()
            PlanUnit.objects.bulk_create([PlanUnit(plan=instance, **unit) for unit in units])
        return instance


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
