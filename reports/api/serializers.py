from rest_framework import serializers

from core.api.serializers import JobSerializer

from ..choices import ReportLanguage
from ..models import Report


class ReportJobSerializer(JobSerializer):
    class Meta(JobSerializer.Meta):
        fields = ["id", "status", "progress", "message", "error", "created_at", "finished_at"]
        read_only_fields = fields


class ReportSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(source="scope_key", read_only=True)
    scope_name = serializers.CharField(source="scope_label", read_only=True)
    job = ReportJobSerializer(read_only=True)
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
