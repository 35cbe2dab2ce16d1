from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.pagination import CountedPagination
from core.api.permissions import perm_class
from core.api.viewsets import ScopedCreateListRetrieveUpdateViewSet
from core.scope import ensure_in_scope
from reservists.models import Reservist

from .. import rules, services
from ..choices import Decision
from ..models import CallUpOrder, Candidate
from ..notices.api import OrderNoticeActions
from .serializers import (
    CandidateChangeSerializer,
    CandidateSerializer,
    CommentSerializer,
    EligibilityRequestSerializer,
    EligibilityResponseSerializer,
    OrderSerializer,
)


class EligibilityView(APIView):
    """The one-person rules engine: decision, every reason with its article, and the policy version used."""

    permission_classes = [IsAuthenticated, perm_class("mobilization.check_eligibility")]

    @extend_schema(request=EligibilityRequestSerializer, responses={200: EligibilityResponseSerializer})
    def post(self, request):
        data = EligibilityRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        reservist = get_object_or_404(Reservist.objects.for_user(request.user), pk=values["reservist"])
        overrides = None
        if values.get("order"):
            order = get_object_or_404(CallUpOrder.objects.for_user(request.user), pk=values["order"])
            overrides = order.overrides()
        proposal = rules.Proposal(values["mobilization_type"], values["start_date"], values["days"], values["wartime"])
        outcome = services.evaluate_reservist(reservist, proposal, overrides)
        return Response(
            {
                "decision": outcome.decision,
                "reasons": rules.render_reasons(outcome.reasons),
                "policy_version": outcome.policy_version,
            }
        )


class KnownCountPaginator(Paginator):
    def __init__(self, *args, known_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        if known_count is not None:
            self.__dict__["count"] = known_count  # cached_property: skip the COUNT(*) over a million rows


class CandidatePagination(CountedPagination):
    known_count = None

    def django_paginator_class(self, *args, **kwargs):
        return KnownCountPaginator(*args, known_count=self.known_count, **kwargs)


class OrderViewSet(OrderNoticeActions, ScopedCreateListRetrieveUpdateViewSet):
    """Call-up orders. Writes go through services; actions move the order through its states."""

    queryset = CallUpOrder.objects.all().select_related("policy").prefetch_related("target_regions")
    serializer_class = OrderSerializer
    filterset_fields = ["status", "mobilization_type"]

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


def candidate_queryset(user, order, params):
    queryset = Candidate.objects.for_user(user).filter(order=order).order_by("id")
    decision = params.get("decision")
    if decision:
        if decision not in Decision.values:
            raise serializers.ValidationError({"decision": [f"{decision}?"]})
        # Ordered as the (order, decision, id) index is, so the planner walks it instead of (order, id).
        queryset = queryset.filter(decision=decision).order_by("decision", "id")
    excluded = params.get("excluded")
    if excluded in ("true", "1", "false", "0"):
        queryset = queryset.filter(excluded=excluded in ("true", "1"))
    return queryset


def known_count(user, order, params):
    """The stored count for a nationwide reader with at most a decision filter; None means count."""
    from core.scope import get_scope

    if not get_scope(user).nation or params.get("excluded") or not order.summary:
        return None
    counts = order.summary.get("counts", {})
    decision = params.get("decision")
    return counts.get(decision) if decision else counts.get("total")
