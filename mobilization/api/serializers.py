from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import RegionCodeField
from reservists.choices import Branch, Category, MobilizationType

from ..models import CallUpOrder, Candidate
from ..services import visible_summary


class ReasonSerializer(serializers.Serializer):
    article = serializers.CharField(allow_null=True)
    item = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    message = serializers.CharField()


class EligibilityRequestSerializer(serializers.Serializer):
    reservist = serializers.IntegerField()
    mobilization_type = serializers.ChoiceField(choices=MobilizationType.choices)
    start_date = serializers.DateField()
    days = serializers.IntegerField(min_value=1, max_value=10000)
    wartime = serializers.BooleanField(default=False)
    order = serializers.IntegerField(
        required=False, help_text=_("Optional: evaluate under this order's raised limits (Art. 27, 28).")
    )


class EligibilityResponseSerializer(serializers.Serializer):
    decision = serializers.CharField()
    reasons = ReasonSerializer(many=True)
    policy_version = serializers.IntegerField()


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class OrderSerializer(serializers.ModelSerializer):
    target_regions = RegionCodeField(many=True, required=False)
    # Plain strings checked against the choices (an enum here would duplicate the registry's in the schema).
    target_branches = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text=f"Any of: {', '.join(Branch.values)}"
    )
    target_categories = serializers.ListField(
        child=serializers.CharField(max_length=20), required=False, help_text=f"Any of: {', '.join(Category.values)}"
    )
    status = serializers.CharField(read_only=True, help_text="draft, selecting, selected, submitted, approved, ...")
    target_specialties = serializers.ListField(child=serializers.CharField(max_length=20), required=False)
    summary = serializers.JSONField(read_only=True, help_text="Counts within the reader's scope.")
    policy_version = serializers.IntegerField(source="policy.version", read_only=True, allow_null=True)
    selection_job = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = CallUpOrder
        fields = [
            "id",
            "mobilization_type",
            "title",
            "legal_basis",
            "order_reference",
            "report_date",
            "days",
            "wartime",
            "quota",
            "target_regions",
            "target_branches",
            "target_categories",
            "target_specialties",
            "override_window_years",
            "override_max_times",
            "override_max_days",
            "override_justification",
            "status",
            "policy_version",
            "selection_job",
            "summary",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "created_at", "updated_at"]

    def validate_target_branches(self, value):
        return self._choices(value, Branch.values)

    def validate_target_categories(self, value):
        return self._choices(value, Category.values)

    @staticmethod
    def _choices(value, allowed):
        wrong = [v for v in value if v not in allowed]
        if wrong:
            raise serializers.ValidationError(_("Not a valid choice: %(v)s") % {"v": ", ".join(wrong)})
        return value

    def validate(self, attrs):
        instance = CallUpOrder(**{k: v for k, v in attrs.items() if k != "target_regions"})
        if self.instance is not None:
            for field in CallUpOrder._meta.concrete_fields:
                if field.name not in attrs:
                    setattr(instance, field.attname, getattr(self.instance, field.attname))
        from django.core.exceptions import ValidationError as DjangoValidationError

        try:
            instance.clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if "summary" in data:
            data["summary"] = visible_summary(getattr(request, "user", None), instance) if request else {}
        return data


class CandidateSerializer(serializers.ModelSerializer):
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Candidate
        fields = [
            "id",
            "reservist",
            "decision",
            "reasons",
            "rank",
            "policy_version",
            "excluded",
            "exclusion_reason",
            "added_manually",
        ]
        read_only_fields = fields

    def get_reasons(self, obj) -> list[dict]:
        return obj.rendered_reasons()


class CandidateChangeSerializer(serializers.Serializer):
    reservist = serializers.IntegerField()
    reason = serializers.CharField()
