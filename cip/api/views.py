import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import (
    ScopedCreateListRetrieveUpdateViewSet,
    ScopedQuerysetMixin,
    ScopedReadOnlyViewSet,
    ScopedWriteMixin,
)
from core.filters import ScopedFilterSet

from .. import services
from ..filters import AssetFilter
from ..models import Asset, Dependency, ProtectionPlan, RiskAssessment, Sector
from .serializers import (
    AssetSerializer,
    CascadeSerializer,
    DecisionSerializer,
    DependencySerializer,
    ProtectionPlanSerializer,
    RiskAssessmentSerializer,
    SectorSerializer,
)


class SectorViewSet(ScopedReadOnlyViewSet):
    """Taiwan's eight critical-infrastructure sectors with their sub-sectors."""

    queryset = Sector.objects.prefetch_related("subsectors").order_by("sort_order", "code")
    serializer_class = SectorSerializer
    lookup_field = "code"
    pagination_class = None


class AssetViewSet(ScopedCreateListRetrieveUpdateViewSet):
    """Critical-infrastructure assets within the user's scope (an agency: its own organisation's)."""

    queryset = Asset.objects.select_related("sector", "subsector", "township__parent").order_by("id")
    serializer_class = AssetSerializer
    filterset_class = AssetFilter

    @extend_schema(responses=CascadeSerializer)
    @action(detail=True, methods=["get"])
    def cascade(self, request, pk=None):
        """Assets affected if this one fails: those that depend on it (depth 1), on them (depth 2), and so on.

        A dependency (asset A, depends_on B) means B failing affects A. Affected assets outside the
        user's scope are followed but neither listed nor counted."""
        asset = self.get_object()
        return Response(CascadeSerializer(services.cascade(asset, request.user)).data)


class DependencyFilter(ScopedFilterSet):
    asset = django_filters.NumberFilter(field_name="asset_id")
    depends_on = django_filters.NumberFilter(field_name="depends_on_id")

    class Meta:
        model = Dependency
        fields = ["asset", "depends_on", "kind"]


class DependencyViewSet(
    ScopedQuerysetMixin,
    ScopedWriteMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Edges of the dependency graph: `asset` depends on `depends_on` (so `depends_on` failing affects `asset`)."""

    queryset = Dependency.objects.select_related("depends_on__sector").order_by("id")
    serializer_class = DependencySerializer
    filterset_class = DependencyFilter
    http_method_names = ["get", "post", "delete", "head", "options"]


class AssessmentFilter(ScopedFilterSet):
    asset = django_filters.NumberFilter(field_name="asset_id")

    class Meta:
        model = RiskAssessment
        fields = ["asset", "scenario", "risk_level"]


class RiskAssessmentViewSet(
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Risk assessments: likelihood x impact on the active matrix; the risk level is computed. Never edited."""

    queryset = RiskAssessment.objects.order_by("-assessed_on", "-id")
    serializer_class = RiskAssessmentSerializer
    filterset_class = AssessmentFilter

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.record_assessment(
            user=self.request.user,
            asset=data["asset"],
            scenario=data["scenario"],
            likelihood=data["likelihood"],
            impact=data["impact"],
            assessed_on=data.get("assessed_on"),
            notes=data.get("notes", ""),
        )


class PlanFilter(ScopedFilterSet):
    asset = django_filters.NumberFilter(field_name="asset_id")

    class Meta:
        model = ProtectionPlan
        fields = ["asset", "status"]


class ProtectionPlanViewSet(ScopedCreateListRetrieveUpdateViewSet):
    """Protection plans. Status changes only through the actions; level-1 plans need an approver's decision."""

    queryset = ProtectionPlan.objects.prefetch_related("units").order_by("-id")
    serializer_class = ProtectionPlanSerializer
    filterset_class = PlanFilter

    def _transition(self, request, fn, **kwargs):
        plan = self.get_object()
        fn(user=request.user, plan=plan, **kwargs)
        plan.refresh_from_db()
        return Response(ProtectionPlanSerializer(plan, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=ProtectionPlanSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Level 1: draft -> submitted (for approval). Other levels: draft -> in force."""
        return self._transition(request, services.submit_plan)

    @extend_schema(request=DecisionSerializer, responses=ProtectionPlanSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """An MND approver who did not submit the plan approves it."""
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(request, services.approve_plan, comment=data.validated_data["comment"])

    @extend_schema(request=DecisionSerializer, responses=ProtectionPlanSerializer, operation_id="cip_plans_return")
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """An MND approver sends a submitted plan back to draft with the reason."""
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(request, services.return_plan, comment=data.validated_data["comment"])

    @extend_schema(request=None, responses=ProtectionPlanSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Take an approved or in-force plan back to draft for revision."""
        return self._transition(request, services.reopen_plan)

    def get_permissions(self):
        # Approvers decide without holding change_protectionplan; the services check their permission.
        if self.action in ("approve", "return_"):
            from rest_framework.permissions import IsAuthenticated

            return [IsAuthenticated()]
        return super().get_permissions()
