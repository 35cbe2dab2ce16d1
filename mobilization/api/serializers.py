from django.utils.translation import gettext_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.api.serializers import RegionCodeField
from reservists.choices import Branch, Category, MobilizationType

from ..choices import Channel, NoticeStatus, PostponementKind
from ..models import CallUpOrder, Candidate, Notice, NoticeBatch, NoticeEvent, Postponement
from ..services.selection import visible_summary


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
            "programme_line",
            "programme_override",
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
        # The annual programme (Art. 24, 27, 28): the line drawn on, its remaining people, period and days.
        from ..services.programme import facts_for, order_refusals, refusal_errors

        refusals = order_refusals(facts_for(self.instance or CallUpOrder(), attrs))
        if refusals:
            raise serializers.ValidationError(refusal_errors(refusals))
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


# ----- notices ------------------------------------------------------------------------------------


class NoticeSerializer(serializers.ModelSerializer):
    reservist = serializers.IntegerField(source="reservist_id", read_only=True)
    township = serializers.CharField(source="township.code", read_only=True)
    order = serializers.IntegerField(source="order_id", read_only=True)

    class Meta:
        model = Notice
        fields = [
            "id",
            "number",
            "order",
            "reservist",
            "township",
            "status",
            "attendance",
            "report_date",
            "report_time",
            "assembly_point",
            "verification_code",
            "revision",
            "replaces",
        ]
        read_only_fields = fields


class NoticeEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeEvent
        fields = ["at", "event", "status", "channel", "note", "user_name"]
        read_only_fields = fields


class PostponementSerializer(serializers.ModelSerializer):
    notice = serializers.IntegerField(source="notice_id", read_only=True)
    report_date = serializers.DateField(source="notice.report_date", read_only=True)

    class Meta:
        model = Postponement
        fields = [
            "id",
            "notice",
            "kind",
            "reason",
            "days",
            "status",
            "original_report_date",
            "new_report_date",
            "report_date",
            "decided_at",
            "decision_comment",
        ]
        read_only_fields = fields


class NoticeDetailSerializer(NoticeSerializer):
    name = serializers.CharField(source="masked_name", read_only=True)
    history = serializers.SerializerMethodField()
    postponements = PostponementSerializer(many=True, read_only=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta(NoticeSerializer.Meta):
        fields = NoticeSerializer.Meta.fields + ["name", "history", "postponements", "pdf_url", "created_at"]
        read_only_fields = fields

    def get_history(self, notice) -> list[dict]:
        """Issued first (when the row was written), then every recorded step in time order."""
        first = {
            "at": notice.created_at,
            "event": "issued",
            "status": NoticeStatus.ISSUED,
            "channel": "",
            "note": "",
            "user_name": "",
        }
        return [first, *NoticeEventSerializer(notice.events.all(), many=True).data]

    def get_pdf_url(self, notice) -> str:
        from django.urls import reverse

        return reverse("notice-pdf", args=[notice.pk])


class DeliverSerializer(serializers.Serializer):
    delivered = serializers.BooleanField(default=True)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.HAND)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class BulkDeliverSerializer(serializers.Serializer):
    notices = serializers.ListField(child=serializers.IntegerField(), required=False, max_length=10000)
    township = serializers.CharField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)

    def validate(self, attrs):
        if not attrs.get("notices") and not attrs.get("township"):
            raise serializers.ValidationError(gettext_lazy("Give the notices or the township delivered."))
        return attrs


class AcknowledgeSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class AttendanceSerializer(serializers.Serializer):
    attended = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class PostponeSerializer(serializers.Serializer):
    days = serializers.IntegerField(min_value=0, max_value=366)
    reason = serializers.CharField(max_length=1000)
    # Checked by the Art. 31 rules, so a missing or other ground is refused with the article cited.
    kind = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=20,
        help_text=f"Art. 31 ground: {', '.join(PostponementKind.values)}",
    )


class PostponementDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class IssueSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class NoticeBatchSerializer(serializers.ModelSerializer):
    township = serializers.CharField(source="township.code", read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = NoticeBatch
        fields = ["id", "order", "township", "part", "count", "pages", "status", "rendered_at", "download_url"]
        read_only_fields = fields

    def get_download_url(self, batch) -> str | None:
        from django.urls import reverse

        return reverse("mobilization:notice-batch-download", args=[batch.pk]) if batch.file else None
