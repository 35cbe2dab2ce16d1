from rest_framework import serializers

from core.models import Job, Region
from core.scope import get_scope


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["id", "code", "name_zh", "name_en", "level", "parent", "county_kind", "is_postal_area"]


class JobSerializer(serializers.ModelSerializer):
    progress = serializers.IntegerField(read_only=True)
    # in the reader's language when the job recorded them translatably (core.jobs.text)
    message = serializers.CharField(source="display_message", read_only=True)
    error = serializers.CharField(source="display_error", read_only=True)
    result_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "status",
            "progress",
            "done",
            "total",
            "message",
            "error",
            "result",
            "result_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_result_url(self, job) -> str | None:
        from django.urls import reverse

        return reverse("core:job-download", args=[job.pk]) if job.result_file else None


class RegionCodeField(serializers.SlugRelatedField):
    """A region given by its public code: a county's ISO code (TW-NWT) or a township's zipcode ("220").

    Choices are limited to the user's scope, so another county's township is "does not exist"."""

    def __init__(self, level: str | None = None, **kwargs):
        self.level = level
        kwargs.setdefault("slug_field", "code")
        if not kwargs.get("read_only"):
            kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.level:
            queryset = queryset.filter(level=self.level)
        request = self.context.get("request")
        if request is not None and not get_scope(request.user).nation:
            queryset = queryset.for_user(request.user)
        return queryset
