from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.serializers import RegionCodeField
from core.audit import note_full_id_shown
from core.pii import can_see_full_id, mask_national_id, normalise_national_id, validate_national_id
from reservists.models import Reservist

from ..models import Member, Shelter, ShelterAssignment, Station, Team, TeamPosition, TrainingSession


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key whose choices are limited to the user's scope (another county's team "does not exist")."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        return queryset.for_user(request.user) if request is not None else queryset.none()


class PositionSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamPosition
        fields = ["position", "authorised"]


class TeamSerializer(serializers.ModelSerializer):
    parent = ScopedRelatedField(queryset=Team.objects.all(), allow_null=True, required=False)
    county = RegionCodeField(level="county", required=False)
    township = RegionCodeField(level="township", allow_null=True, required=False)
    establishment = serializers.IntegerField(read_only=True)
    strength = serializers.IntegerField(read_only=True)
    positions = PositionSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "kind",
            "parent",
            "county",
            "township",
            "organisation",
            "leader",
            "leader_phone",
            "establishment",
            "strength",
            "positions",
        ]
        extra_kwargs = {"organisation": {"required": False}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "organisation" in fields:
            fields["organisation"].queryset = fields["organisation"].queryset.for_user(request.user)
        return fields

    def validate(self, attrs):
        township = attrs.get("township", getattr(self.instance, "township", None))
        county = attrs.get("county", getattr(self.instance, "county", None) if self.instance else None)
        if township is not None:
            if county is not None and "county" in attrs and township.parent_id != county.pk:
                raise serializers.ValidationError({"township": _("The township is not in the chosen county.")})
            attrs["county"] = township.parent
        elif county is None:
            raise serializers.ValidationError({"county": _("Choose the county or the township of the team.")})
        instance = self.instance or Team()
        for key, value in attrs.items():
            setattr(instance, key, value)
        instance.clean()
        return attrs


class MemberSerializer(serializers.ModelSerializer):
    team = ScopedRelatedField(queryset=Team.objects.all())
    national_id = serializers.CharField(max_length=10)
    # current / due / lapsed / no_record (never trained is not lapsed), from the last attended session
    training_status = serializers.SerializerMethodField()
    last_trained = serializers.DateField(read_only=True, default=None)

    class Meta:
        model = Member
        fields = [
            "id",
            "team",
            "national_id",
            "name",
            "position",
            "phone",
            "email",
            "skills",
            "availability",
            "training_status",
            "last_trained",
        ]

    def get_training_status(self, instance) -> str:
        from ..training import status_for

        return str(status_for(getattr(instance, "last_trained", None)))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not can_see_full_id(request.user):
            data["national_id"] = mask_national_id(instance.national_id)
        else:
            note_full_id_shown(request, instance)  # logged once the response succeeds (core.audit)
        return data

    def validate_national_id(self, value):
        value = normalise_national_id(value)
        validate_national_id(value)
        return value

    def validate(self, attrs):
        team = attrs.get("team", getattr(self.instance, "team", None))
        national_id = attrs.get("national_id", getattr(self.instance, "national_id", None))
        duplicate = Member.objects.filter(team=team, national_id=national_id)
        if self.instance is not None:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise serializers.ValidationError({"national_id": _("This person is already on this team's roster.")})
        return attrs


class ShelterSerializer(serializers.ModelSerializer):
    township = RegionCodeField(level="township")
    assigned = serializers.IntegerField(read_only=True)

    class Meta:
        model = Shelter
        fields = [
            "id",
            "name",
            "kind",
            "township",
            "address",
            "capacity",
            "latitude",
            "longitude",
            "assigned",
            "manager",
            "manager_phone",
        ]

    def validate(self, attrs):
        instance = self.instance or Shelter()
        for key, value in attrs.items():
            setattr(instance, key, value)
        instance.clean()
        return attrs


class AssignmentSerializer(serializers.ModelSerializer):
    reservist = serializers.PrimaryKeyRelatedField(queryset=Reservist.objects.all())
    reservist_national_id = serializers.SerializerMethodField()

    class Meta:
        model = ShelterAssignment
        fields = ["id", "shelter", "reservist", "reservist_national_id", "created_at"]
        read_only_fields = ["id", "shelter", "created_at"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None:
            fields["reservist"].queryset = fields["reservist"].queryset.for_user(request.user)
        return fields

    def get_reservist_national_id(self, obj) -> str:
        return mask_national_id(obj.reservist.national_id)


class StationSerializer(serializers.ModelSerializer):
    township = RegionCodeField(level="township")
    teams = ScopedRelatedField(queryset=Team.objects.all(), many=True, required=False)

    class Meta:
        model = Station
        fields = ["id", "kind", "name", "township", "address", "latitude", "longitude", "capacity", "teams"]


class TrainingSerializer(serializers.ModelSerializer):
    team = ScopedRelatedField(queryset=Team.objects.all())
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "team", "date", "subject", "hours", "location", "attendees"]
