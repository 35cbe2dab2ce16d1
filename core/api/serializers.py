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
    # In the reader's language: the state ("執行中"), the kind ("遴選") and what it worked on, with its page.
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    kind_display = serializers.SerializerMethodField()
    subject = serializers.SerializerMethodField()
    subject_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "kind_display",
            "subject",
            "subject_url",
            "status",
            "status_display",
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

    def _described(self, job) -> dict:
        from core.jobs import describe

        cache = self.context.setdefault("_described", {})
        if job.pk not in cache:
            request = self.context.get("request")
            if getattr(self.context.get("view"), "action", None) == "list":
                # A list names the kinds only: a subject costs a query per job (the job itself has it).
                cache[job.pk] = {**describe(job, None, subject=False)}
            else:
                cache[job.pk] = describe(job, getattr(request, "user", None))
        return cache[job.pk]

    def get_kind_display(self, job) -> str:
        return self._described(job)["label"]

    def get_subject(self, job) -> str:
        return self._described(job)["subject"]

    def get_subject_url(self, job) -> str:
        return self._described(job)["url"]

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
