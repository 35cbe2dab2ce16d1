from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from core.api.serializers import RegionCodeField
from core.pii import normalise_national_id, validate_national_id

from ..choices import GrantBasis
from ..models import PriorityGrant, Reservist, ServiceRecord
from ..pii import shown_id
from ..services import check_reservist_dates


class NationalIDField(serializers.CharField):
    """Written in full (validated, normalised to capitals); read masked unless the user may see it."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = normalise_national_id(super().to_internal_value(data))
        try:
            validate_national_id(value)
        except Exception as exc:  # django ValidationError -> field error
            raise serializers.ValidationError(list(getattr(exc, "messages", [str(exc)]))) from exc
        return value

    def to_representation(self, value):
        request = self.context.get("request")
        return shown_id(getattr(request, "user", None), value)


class ReservistSerializer(serializers.ModelSerializer):
    national_id = NationalIDField()
    township = RegionCodeField(level="township")

    class Meta:
        model = Reservist
        fields = [
            "id",
            "national_id",
            "name",
            "birth_date",
            "category",
            "branch",
            "rank",
            "specialty",
            "retirement_date",
            "township",
            "status",
            "address",
            "phone",
            "email",
            "occupation",
            "employer",
        ]

    def validate_national_id(self, value):
        others = Reservist.objects.filter(national_id=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("A reservist with this national ID is already registered."))
        return value

    def validate(self, attrs):
        def current(name):
            return attrs.get(name, getattr(self.instance, name, None) if self.instance else None)

        errors = check_reservist_dates(current("birth_date"), current("retirement_date"))
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class ServiceRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceRecord
        fields = ["id", "mobilization_type", "start_date", "days", "source", "reference"]
        read_only_fields = ["source"]
        extra_kwargs = {"days": {"min_value": 1, "max_value": 366}}

    def validate_start_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("A served call-up cannot start in the future."))
        return value


class PriorityGrantSerializer(serializers.ModelSerializer):
    class Meta:
        model = PriorityGrant
        fields = ["id", "kind", "basis", "valid_from", "valid_until", "evidence", "approved_by_name"]
        read_only_fields = ["approved_by_name"]

    def validate(self, attrs):
        errors = {}
        kind, basis = attrs.get("kind"), attrs.get("basis")
        if kind and basis and basis not in GrantBasis.for_kind(kind):
            errors["basis"] = _(
                "The basis %(basis)s does not match the kind %(kind)s: Art. 29 items are "
                "successive call-ups, Art. 30 items later call-ups."
            ) % {"basis": basis, "kind": kind}
        if attrs.get("valid_until") and attrs.get("valid_from") and attrs["valid_until"] < attrs["valid_from"]:
            errors["valid_until"] = _("The end of validity must not be before its start.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs
