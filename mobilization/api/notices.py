"""API of notices: one notice with its history and PDF, the workflow actions (deliver, acknowledge,
attendance, postpone) and postponement decisions. Issuing an order and its notice list are on the order
(api/orders.py).

Paths (the acceptance checks use exactly these): POST /api/mobilization/orders/{id}/issue/,
GET /api/mobilization/orders/{id}/notices/, GET /api/mobilization/notices/{id}/ and .../pdf/,
POST .../deliver/, .../acknowledge/, .../attendance/, .../postpone/.
"""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.pagination import CountedPagination
from core.api.params import StrictQueryMixin
from core.api.permissions import perm_class
from core.events import record

from .. import events
from ..choices import Attendance, NoticeStatus
from ..filters import filter_notices
from ..models import Notice, Postponement
from ..services import notices as actions
from .serializers import (
    AcknowledgeSerializer,
    AttendanceSerializer,
    DeliverSerializer,
    NoticeDetailSerializer,
    NoticeSerializer,
    PostponementDecisionSerializer,
    PostponementSerializer,
    PostponeSerializer,
)

# ----- notices -------------------------------------------------------------------------------------


FILTER_PARAMS = [
    OpenApiParameter("township", str, description="township code (zipcode such as 220) or region id"),
    OpenApiParameter("status", str, enum=NoticeStatus.values),
    OpenApiParameter("attendance", str, enum=[*Attendance.values, "none"]),
]


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("order", int, description="the order's id"), *FILTER_PARAMS])
)
class NoticeViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
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
        from ..services import notice_pdf as pdf

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


class PostponementViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
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
