from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.serializers import JobSerializer

from ..choices import ReportLanguage, ReportStatus, ScopeKind
from ..models import Report


def inline_choice_field(choices):
    """A read-only choice field described as a string listing its values: field names such as "status" are
    used by other apps with other choices, and drf-spectacular's named enums would collide (a warning)."""

    @extend_schema_field({"type": "string", "description": " | ".join(value for value, _label in choices)})
    class InlineChoiceField(serializers.CharField):
        pass

    return InlineChoiceField(read_only=True)


class ReportJobSerializer(JobSerializer):
    class Meta(JobSerializer.Meta):
        fields = ["id", "status", "progress", "message", "error", "created_at", "finished_at"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(source="scope_key", read_only=True)
    scope_name = serializers.CharField(source="scope_label", read_only=True)
    job = ReportJobSerializer(read_only=True)
    status = inline_choice_field(ReportStatus.choices)
    scope_kind = inline_choice_field(ScopeKind.choices)
    language = inline_choice_field(ReportLanguage.choices)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "scope",
            "scope_kind",
            "scope_name",
            "as_of",
            "language",
            "status",
            "requested_by_name",
            "scheduled",
            "pages",
            "created_at",
            "generated_at",
            "job",
            "pdf_url",
        ]
        read_only_fields = fields

    def get_pdf_url(self, report) -> str | None:
        from django.urls import reverse

        return reverse("report-pdf", args=[report.pk]) if report.is_ready else None


class ReportRequestSerializer(serializers.Serializer):
    scope = serializers.CharField(
        max_length=40, help_text='"nation", a county code such as "TW-NWT", or "agency:<organisation id>".'
    )
    as_of = serializers.DateField(help_text="YYYY-MM-DD; not in the future.")
    language = serializers.ChoiceField(choices=ReportLanguage.choices, default=ReportLanguage.ZH_HANT)


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.JSONField(read_only=True)
    verification_code = serializers.CharField(read_only=True)

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "verification_code", "figures"]
        read_only_fields = fields
