"""API of notices: issuing an order, the order's notices, one notice with its history and PDF, the workflow
actions (deliver, acknowledge, attendance, postpone) and postponement decisions.

Paths (the acceptance checks use exactly these): POST /api/mobilization/orders/{id}/issue/,
GET /api/mobilization/orders/{id}/notices/, GET /api/mobilization/notices/{id}/ and .../pdf/,
POST .../deliver/, .../acknowledge/, .../attendance/, .../postpone/.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.pagination import CountedPagination
from core.api.permissions import perm_class
from core.api.serializers import JobSerializer
from core.events import record
from core.models import Region

from .. import events
from . import actions, issuing
from .choices import Attendance, Channel, NoticeStatus, PostponementKind
from .models import Notice, NoticeBatch, NoticeEvent, Postponement

# ----- serializers ---------------------------------------------------------------------------------


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
    kind = serializers.ChoiceField(choices=PostponementKind.choices, required=False, allow_blank=True)


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


# ----- querysets -----------------------------------------------------------------------------------

FILTER_PARAMS = [
    OpenApiParameter("township", str, description="township code (zipcode such as 220) or region id"),
    OpenApiParameter("status", str, enum=NoticeStatus.values),
    OpenApiParameter("attendance", str, enum=[*Attendance.values, "none"]),
]


def township_for(value: str) -> Region | None:
    region = Region.objects.filter(code=value, level="township").first()
    if region is None and value.isdigit():
        region = Region.objects.filter(pk=int(value), level="township").first()
    return region


def filter_notices(queryset, params):
    township = params.get("township")
    if township:
        region = township_for(township)
        if region is None:
            raise serializers.ValidationError({"township": [_("No township has the code %(c)s.") % {"c": township}]})
        queryset = queryset.filter(township=region)
    wanted = params.get("status")
    if wanted:
        if wanted not in NoticeStatus.values:
            raise serializers.ValidationError(
                {
                    "status": [
                        _("Unknown status %(s)s; use one of %(v)s.")
                        % {"s": wanted, "v": ", ".join(NoticeStatus.values)}
                    ]
                }
            )
        queryset = queryset.filter(status=wanted)
    attendance = params.get("attendance")
    if attendance:
        if attendance == "none":
            queryset = queryset.filter(attendance__isnull=True)
        elif attendance in Attendance.values:
            queryset = queryset.filter(attendance=attendance)
        else:
            raise serializers.ValidationError({"attendance": [_("Use present, absent or none.")]})
    return queryset


# ----- order actions (mixed into OrderViewSet) ----------------------------------------------------


class OrderNoticeActions:
    """`issue` and `notices` on /api/mobilization/orders/{id}/."""

    @extend_schema(request=IssueSerializer, responses={202: JobSerializer})
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated, perm_class("mobilization.view_calluporder")],
    )
    def issue(self, request, pk=None):
        """Start issuing an approved order's notices in the background; returns the job (see /api/jobs/{id}/)."""
        order = self.get_object()
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        job = issuing.start(user=request.user, order=order, comment=body.validated_data["comment"])
        job.refresh_from_db()
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(parameters=FILTER_PARAMS, responses={200: NoticeSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[IsAuthenticated, perm_class("mobilization.view_notice")],
        pagination_class=CountedPagination,
        filterset_fields=[],
    )
    def notices(self, request, pk=None):
        """The order's notices in call order (filters: township, status, attendance)."""
        order = self.get_object()
        queryset = filter_notices(
            Notice.objects.for_user(request.user).filter(order=order).select_related("township"), request.query_params
        ).order_by("order", "sequence")
        paginator = CountedPagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(NoticeSerializer(page, many=True).data)

    @extend_schema(request=BulkDeliverSerializer, responses={200: OpenApiTypes.OBJECT})
    @action(
        detail=True,
        methods=["post"],
        url_path="notices/deliver",
        permission_classes=[IsAuthenticated, perm_class("mobilization.deliver_notice")],
    )
    def deliver_notices(self, request, pk=None):
        """Record hand delivery in bulk: a list of notice ids, or every open notice of a township."""
        order = self.get_object()
        body = BulkDeliverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        queryset = Notice.objects.for_user(request.user).filter(order=order)
        if body.validated_data.get("notices"):
            queryset = queryset.filter(pk__in=body.validated_data["notices"])
        if body.validated_data.get("township"):
            queryset = filter_notices(queryset, {"township": body.validated_data["township"]})
        count = actions.deliver_many(user=request.user, order=order, notices=queryset, note=body.validated_data["note"])
        return Response({"delivered": count})

    @extend_schema(responses={200: NoticeBatchSerializer(many=True)})
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[IsAuthenticated, perm_class("mobilization.view_noticebatch")],
        filterset_fields=[],
        pagination_class=None,
    )
    def batches(self, request, pk=None):
        """The order's printable township batches (a township office sees its own)."""
        order = self.get_object()
        queryset = NoticeBatch.objects.for_user(request.user).filter(order=order).select_related("township")
        return Response(NoticeBatchSerializer(queryset.order_by("township__code", "part"), many=True).data)


# ----- notices -------------------------------------------------------------------------------------


class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Notices of the user's area. Writes are the actions below; each one is a guarded workflow step."""

    permission_classes = [IsAuthenticated, perm_class("mobilization.view_notice")]
    pagination_class = CountedPagination
    filterset_fields: list = []

    def get_queryset(self):
        queryset = Notice.objects.for_user(self.request.user).select_related("township", "order", "reservist")
        if self.action == "retrieve":
            queryset = queryset.prefetch_related("events", "postponements")
        if self.action == "list":
            order = self.request.query_params.get("order")
            if order and order.isdigit():
                queryset = queryset.filter(order_id=int(order))
            queryset = filter_notices(queryset, self.request.query_params).order_by("-id")
        return queryset

    def get_serializer_class(self):
        return NoticeDetailSerializer if self.action == "retrieve" else NoticeSerializer

    def _detail(self, notice, code=status.HTTP_200_OK):
        notice = self.get_queryset().prefetch_related("events", "postponements").get(pk=notice.pk)
        return Response(NoticeDetailSerializer(notice, context=self.get_serializer_context()).data, status=code)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        """This person's notice as it stands now (after a postponement: the reissued version)."""
        from . import pdf

        notice = self.get_object()
        data = pdf.render_notice_pdf(notice)
        record(events.NOTICE_PDF_DOWNLOADED, user=request.user, obj=notice, after={"revision": notice.revision})
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="notice-{notice.number}.pdf"'
        return response

    @extend_schema(request=DeliverSerializer, responses={200: NoticeDetailSerializer})
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        """Record delivery by hand (`delivered: false` with a `note`: undeliverable)."""
        notice = self.get_object()
        body = DeliverSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.deliver(user=request.user, notice=notice, **body.validated_data)
        return self._detail(notice)

    @extend_schema(request=AcknowledgeSerializer, responses={200: NoticeDetailSerializer})
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Record that the reservist confirmed receipt."""
        notice = self.get_object()
        body = AcknowledgeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.acknowledge(user=request.user, notice=notice, via="portal", note=body.validated_data["note"])
        return self._detail(notice)

    @extend_schema(request=AttendanceSerializer, responses={200: NoticeDetailSerializer})
    @action(detail=True, methods=["post"])
    def attendance(self, request, pk=None):
        """Report day: `{"attended": true|false}`. Presence becomes a service record."""
        notice = self.get_object()
        body = AttendanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.record_attendance(user=request.user, notice=notice, **body.validated_data)
        return self._detail(notice)

    @extend_schema(request=PostponeSerializer, responses={201: PostponementSerializer})
    @action(detail=True, methods=["post"])
    def postpone(self, request, pk=None):
        """Art. 31: `{"days": n, "reason": "..."}`; more than 3 days, or a Roll-Call, is refused (400, reasons)."""
        notice = self.get_object()
        body = PostponeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        postponement = actions.request_postponement(
            user=request.user,
            notice=notice,
            days=body.validated_data["days"],
            reason=body.validated_data["reason"],
            kind=body.validated_data.get("kind") or None,
        )
        postponement.refresh_from_db()
        return Response(PostponementSerializer(postponement).data, status=status.HTTP_201_CREATED)


class PostponementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Art. 31 postponements of the user's area; the MND responsible unit approves or refuses requests."""

    serializer_class = PostponementSerializer
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_postponement")]
    pagination_class = CountedPagination
    filterset_fields = ["status"]

    def get_queryset(self):
        return Postponement.objects.for_user(self.request.user).select_related("notice").order_by("-id")

    def _decide(self, request, approve: bool):
        postponement = self.get_object()
        body = PostponementDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        actions.decide_postponement(
            user=request.user, postponement=postponement, approve=approve, comment=body.validated_data["comment"]
        )
        postponement.refresh_from_db()
        return Response(PostponementSerializer(postponement).data)

    @extend_schema(request=PostponementDecisionSerializer, responses={200: PostponementSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._decide(request, True)

    @extend_schema(request=PostponementDecisionSerializer, responses={200: PostponementSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        return self._decide(request, False)
