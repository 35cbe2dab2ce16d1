"""API of call-up orders: create, edit, the steps of the order, its candidates and its notices."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.pagination import CountedPagination
from core.api.permissions import perm_class
from core.api.serializers import JobSerializer
from core.api.viewsets import ScopedCreateListRetrieveUpdateViewSet
from core.scope import ensure_in_scope
from reservists.models import Reservist

from .. import services
from ..choices import Decision
from ..filters import OrderFilterSet, filter_notices
from ..models import CallUpOrder, Candidate, Notice, NoticeBatch
from ..services import issuing
from ..services import notices as actions
from .candidates import CandidatePagination, candidate_queryset, known_count
from .notices import FILTER_PARAMS
from .serializers import (
    BulkDeliverSerializer,
    CandidateChangeSerializer,
    CandidateSerializer,
    CommentSerializer,
    IssueSerializer,
    NoticeBatchSerializer,
    NoticeSerializer,
    OrderSerializer,
)


class OrderViewSet(ScopedCreateListRetrieveUpdateViewSet):
    """Call-up orders. Writes go through services; actions move the order through its states, issue its
    notices and list them (`issue`, `notices`, `notices/deliver`, `batches`)."""

    queryset = CallUpOrder.objects.all().select_related("policy").prefetch_related("target_regions")
    serializer_class = OrderSerializer
    # The same fields as filters.OrderFilterSet (the detail actions turn list filtering off with `filterset_fields=[]`).
    filterset_fields = list(OrderFilterSet.Meta.fields)

    def perform_create(self, serializer):
        with transaction.atomic():
            regions = serializer.validated_data.get("target_regions") or []
            from django.core.exceptions import ValidationError
            from django.utils.translation import gettext as _

            from core.scope import get_scope

            if not regions and not get_scope(self.request.user).nation:
                raise ValidationError({"target_regions": [_("Choose the regions of your area to call up from.")]})
            instance = serializer.save(created_by=self.request.user)
            ensure_in_scope(self.request.user, instance)
            services.ensure_order_in_user_scope(self.request.user, instance)

    def perform_update(self, serializer):
        with transaction.atomic():
            order = CallUpOrder.objects.select_for_update().get(pk=serializer.instance.pk)
            services.ensure_order_in_user_scope(self.request.user, serializer.instance)
            services.mark_edited(user=self.request.user, order=order)
            serializer.instance.status = order.status
            instance = serializer.save()
            ensure_in_scope(self.request.user, instance)
            services.ensure_order_in_user_scope(self.request.user, instance)

    def _act(self, request, fn):
        order = self.get_object()
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        fn(user=request.user, order=order, comment=body.validated_data["comment"])
        order.refresh_from_db()
        return Response(OrderSerializer(order, context=self.get_serializer_context()).data)

    view_perms = [IsAuthenticated, perm_class("mobilization.view_calluporder")]

    @extend_schema(request=CommentSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=view_perms)
    def select(self, request, pk=None):
        """Run candidate selection in the background; `status` is `selecting` until it is done."""
        return self._act(request, lambda **kw: services.start_selection(**kw))

    @extend_schema(request=CommentSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=view_perms)
    def submit(self, request, pk=None):
        return self._act(request, services.submit)

    @extend_schema(request=CommentSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=view_perms)
    def approve(self, request, pk=None):
        return self._act(request, services.approve)

    @extend_schema(request=CommentSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=view_perms)
    def reject(self, request, pk=None):
        return self._act(request, services.reject)

    @extend_schema(request=CommentSerializer, responses={200: OrderSerializer})
    @action(detail=True, methods=["post"], permission_classes=view_perms)
    def cancel(self, request, pk=None):
        return self._act(request, services.cancel)

    @extend_schema(
        parameters=[
            OpenApiParameter("decision", str, enum=Decision.values),
            OpenApiParameter("excluded", bool),
        ],
        responses={200: CandidateSerializer(many=True)},
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[IsAuthenticated, perm_class("mobilization.view_candidate")],
        pagination_class=CandidatePagination,
        filterset_fields=[],
    )
    def candidates(self, request, pk=None):
        """The order's candidates in rank order (then the held-out ones); `count` is the total for the filter."""
        order = self.get_object()
        queryset = candidate_queryset(request.user, order, request.query_params)
        paginator = CandidatePagination()
        paginator.known_count = known_count(request.user, order, request.query_params)
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(CandidateSerializer(page, many=True).data)

    @extend_schema(request=CandidateChangeSerializer, responses={200: CandidateSerializer})
    @action(detail=True, methods=["post"], url_path="candidates/exclude", permission_classes=view_perms)
    def exclude(self, request, pk=None):
        return self._change(request, excluded=True)

    @extend_schema(request=CandidateChangeSerializer, responses={200: CandidateSerializer})
    @action(detail=True, methods=["post"], url_path="candidates/include", permission_classes=view_perms)
    def include(self, request, pk=None):
        return self._change(request, excluded=False)

    @extend_schema(request=CandidateChangeSerializer, responses={201: CandidateSerializer})
    @action(detail=True, methods=["post"], url_path="candidates/add", permission_classes=view_perms)
    def add(self, request, pk=None):
        order = self.get_object()
        body = CandidateChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reservist = get_object_or_404(Reservist.objects.for_user(request.user), pk=body.validated_data["reservist"])
        candidate = services.add_candidate(
            user=request.user, order=order, reservist=reservist, reason=body.validated_data["reason"]
        )
        return Response(CandidateSerializer(candidate).data, status=status.HTTP_201_CREATED)

    def _change(self, request, excluded):
        order = self.get_object()
        body = CandidateChangeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        candidate = get_object_or_404(
            Candidate.objects.for_user(request.user), order=order, reservist_id=body.validated_data["reservist"]
        )
        services.set_excluded(
            user=request.user, order=order, candidate=candidate, excluded=excluded, reason=body.validated_data["reason"]
        )
        return Response(CandidateSerializer(candidate).data)

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
