"""API of the annual programme (`/api/mobilization/programmes/`) and of rotation leave
(`/api/mobilization/orders/{id}/leave/`)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.params import StrictQueryMixin
from core.api.permissions import perm_class
from core.api.serializers import RegionCodeField
from core.api.viewsets import ScopedQuerysetMixin
from core.scope import get_scope

from ..choices import ProgrammeStatus
from ..models import AnnualProgramme, CallUpOrder, Notice, ProgrammeLine, RotationLeave
from ..services import leave as leave_rules
from ..services import programme as services
from ..services.programme_progress import programme_progress

VIEW = [IsAuthenticated, perm_class("mobilization.view_annualprogramme")]


class ProgrammeSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(min_value=1950, max_value=2200)
    amends = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = AnnualProgramme
        fields = [
            "id",
            "year",
            "version",
            "status",
            "amends",
            "note",
            "approval_reference",
            "approved_on",
            "submission_comment",
            "decision_comment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [f for f in fields if f not in ("year", "note")]
        # The version is numbered by services.create_version under a lock, not validated here.
        validators: list = []


class LineSerializer(serializers.ModelSerializer):
    target_regions = RegionCodeField(many=True, required=False)
    drawn = serializers.IntegerField(read_only=True, default=0)
    remaining = serializers.IntegerField(read_only=True, default=0, allow_null=True)

    class Meta:
        model = ProgrammeLine
        fields = [
            "id",
            "key",
            "mobilization_type",
            "period",
            "target_regions",
            "specialties",
            "branches",
            "number",
            "days",
            "drawn",
            "remaining",
        ]

    def validate_target_regions(self, regions):
        if any(r.level != "county" for r in regions):
            raise serializers.ValidationError(_("A programme line targets counties / cities."))
        return regions

    def validate(self, data):
        programme = self.context["programme"]
        period = data.get("period", getattr(self.instance, "period", ""))
        if period and not services.valid_period(period, programme.year):
            raise serializers.ValidationError(
                {"period": [_("A month (%(y)s-03) or a quarter (%(y)s-Q1) of %(y)s.") % {"y": programme.year}]}
            )
        return data


class ProgrammeDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ProgrammeApprovalSerializer(ProgrammeDecisionSerializer):
    approval_reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    approved_on = serializers.DateField(required=False, allow_null=True, default=None)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="the programme's year (2027)"),
            OpenApiParameter("status", str, enum=ProgrammeStatus.values),
        ]
    )
)
class ProgrammeViewSet(
    ScopedQuerysetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Annual programmes by year and version. POST drafts a new version of a year (an amendment when the year
    has one in force: its lines are copied). Lines are edited while the version is a draft."""

    queryset = AnnualProgramme.objects.all()
    serializer_class = ProgrammeSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        params = self.request.query_params
        if params.get("year"):
            if not params["year"].isdigit() or len(params["year"]) > 4:
                raise serializers.ValidationError({"year": [_("A year such as 2027.")]})
            queryset = queryset.filter(year=int(params["year"]))
        if params.get("status"):
            queryset = queryset.filter(status=params["status"])
        return queryset

    def perform_create(self, serializer):
        serializer.instance = services.create_version(
            user=self.request.user,
            year=serializer.validated_data["year"],
            note=serializer.validated_data.get("note", ""),
        )

    def _run(self, request, name: str, serializer_class=ProgrammeDecisionSerializer):
        programme = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        note = values.pop("comment", "")
        services.PROGRAMME_ACTIONS[name].execute(request.user, programme, note=note, **values)
        programme.refresh_from_db()
        return Response(ProgrammeSerializer(programme).data)

    @extend_schema(request=ProgrammeDecisionSerializer, responses={200: ProgrammeSerializer})
    @action(detail=True, methods=["post"], permission_classes=VIEW)
    def submit(self, request, pk=None):
        return self._run(request, "submit")

    @extend_schema(request=ProgrammeApprovalSerializer, responses={200: ProgrammeSerializer})
    @action(detail=True, methods=["post"], permission_classes=VIEW)
    def approve(self, request, pk=None):
        return self._run(request, "approve", ProgrammeApprovalSerializer)

    @extend_schema(request=ProgrammeDecisionSerializer, responses={200: ProgrammeSerializer})
    @action(detail=True, methods=["post"], permission_classes=VIEW)
    def reject(self, request, pk=None):
        return self._run(request, "reject")

    @extend_schema(request=LineSerializer, responses={200: LineSerializer(many=True), 201: LineSerializer})
    @action(detail=True, methods=["get", "post"], permission_classes=VIEW)
    def lines(self, request, pk=None):
        programme = self.get_object()
        if request.method == "GET":
            lines = services.with_figures(
                programme.lines.for_user(request.user).prefetch_related("target_regions").order_by("period", "key")
            )
            return Response(LineSerializer(lines, many=True, context={"programme": programme}).data)
        data = LineSerializer(data=request.data, context={"programme": programme})
        data.is_valid(raise_exception=True)
        line = services.save_line(user=request.user, programme=programme, **data.validated_data)
        line = services.with_figures([line])[0]
        return Response(LineSerializer(line, context={"programme": programme}).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=LineSerializer, responses={200: LineSerializer, 204: None})
    @action(
        detail=True,
        methods=["patch", "delete"],
        url_path=r"lines/(?P<line_id>\d+)",
        permission_classes=VIEW,
    )
    def line(self, request, pk=None, line_id=None):
        programme = self.get_object()
        line = get_object_or_404(programme.lines.for_user(request.user), pk=line_id)
        if request.method == "DELETE":
            services.remove_line(user=request.user, line=line)
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = LineSerializer(line, data=request.data, partial=True, context={"programme": programme})
        data.is_valid(raise_exception=True)
        line = services.save_line(user=request.user, programme=programme, line=line, **data.validated_data)
        return Response(LineSerializer(services.with_figures([line])[0], context={"programme": programme}).data)

    @action(detail=True, methods=["get"], permission_classes=VIEW)
    def progress(self, request, pk=None):
        return Response(programme_progress(self.get_object(), get_scope(request.user)))


class LeaveRequestSerializer(serializers.Serializer):
    notice = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class LeaveSerializer(serializers.ModelSerializer):
    start = serializers.SerializerMethodField()
    end = serializers.SerializerMethodField()
    unit = serializers.CharField(source="unit_key")
    reservist = serializers.IntegerField(source="notice.reservist_id")

    class Meta:
        model = RotationLeave
        fields = ["id", "order", "notice", "reservist", "unit", "start", "end", "note", "created_at"]

    def get_start(self, leave) -> str:
        return leave.period.lower.isoformat()

    def get_end(self, leave) -> str:
        import datetime

        return (leave.period.upper - datetime.timedelta(days=1)).isoformat()


class OrderLeaveView(StrictQueryMixin, APIView):
    """Rotation leave of an order in progress (Art. 32): GET the roster (filters `unit`, `day`), POST a leave.
    A leave the rules refuse answers 400 with `reasons`, each citing article 32."""

    permission_classes = [IsAuthenticated, perm_class("mobilization.view_rotationleave")]

    def _order(self, request, pk):
        return get_object_or_404(CallUpOrder.objects.for_user(request.user), pk=pk)

    @extend_schema(
        parameters=[OpenApiParameter("unit", str), OpenApiParameter("day", str)],
        responses={200: LeaveSerializer(many=True)},
    )
    def get(self, request, pk):
        order = self._order(request, pk)
        leaves = RotationLeave.objects.for_user(request.user).filter(order=order).select_related("notice")
        if request.query_params.get("unit"):
            leaves = leaves.filter(unit_key=request.query_params["unit"])
        if request.query_params.get("day"):
            day = serializers.DateField().run_validation(request.query_params["day"])
            leaves = leaves.filter(period__contains=day)
        return Response(LeaveSerializer(leaves.order_by("unit_key", "period"), many=True).data)

    @extend_schema(request=LeaveRequestSerializer, responses={201: LeaveSerializer})
    def post(self, request, pk):
        order = self._order(request, pk)
        data = LeaveRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        notice = get_object_or_404(Notice.objects.for_user(request.user).filter(order=order), pk=values["notice"])
        leave = leave_rules.RecordLeave().execute(
            request.user, order, notice=notice, start=values["start"], end=values["end"], note=values["note"]
        )
        return Response(LeaveSerializer(leave).data, status=status.HTTP_201_CREATED)
