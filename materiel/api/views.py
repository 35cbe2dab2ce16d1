"""The materiel API: the registry, the survey, requirements and matching, requisitions and their notices.

Lists refuse query parameters they do not understand (400), so a typo never silently returns everything.
Workflow steps are `services` actions: 404 out of scope, 403 without the permission, 409 in the wrong state."""

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.serializers import JobSerializer
from core.api.viewsets import (
    ScopedCreateListRetrieveUpdateViewSet,
    ScopedQuerysetMixin,
    ScopedReadOnlyViewSet,
)
from core.importing import start_import

from .. import matching, services
from ..choices import HOLDING
from ..filters import NoticeFilter, RequirementFilter, RequisitionFilter, ResourceFilter, SurveyFilter
from ..importing import SurveyImport
from ..models import Allocation, CountySurvey, Kind, Requirement, Requisition, RequisitionNotice, Resource
from ..paging import newest
from .serializers import (
    AllocationSerializer,
    CountySurveySerializer,
    HandoverSerializer,
    ImportSerializer,
    KindSerializer,
    MatchResultSerializer,
    MaterielExemptSerializer,
    MaterielNoteSerializer,
    RequirementSerializer,
    RequisitionNoticeSerializer,
    RequisitionSerializer,
    ResourceSerializer,
    ReturnSerializer,
    ShortfallSerializer,
)


class ResourcePagination(BasePagination):
    """Newest first, `?after=<id>` for the next page (materiel.paging): no count, no offset, and a county's
    page does not read other counties' rows."""

    page_size = 50
    max_page_size = 500
    query_params = ("after", "page_size")  # understood by core.api.params.StrictQueryMixin

    def paginate_queryset(self, queryset, request, view=None):
        from django.utils.datastructures import MultiValueDictKeyError  # noqa: F401

        self.request = request
        after = request.query_params.get("after")
        size = request.query_params.get("page_size")
        limit = min(int(size), self.max_page_size) if size and size.isdigit() and int(size) > 0 else self.page_size
        if after is not None and not after.isdigit():
            raise serializers.ValidationError({"after": [_("Give the id of the last row of the previous page.")]})
        rows, self.next_after = newest(queryset, request.user, after=int(after) if after else None, limit=limit)
        return rows

    def get_paginated_response(self, data):
        next_url = None
        if self.next_after is not None:
            from rest_framework.utils.urls import replace_query_param

            next_url = replace_query_param(self.request.build_absolute_uri(), "after", self.next_after)
        return Response({"next": next_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": {"type": "string", "nullable": True, "format": "uri"}, "results": schema},
        }


class ActionMixin:
    """POST endpoints that run one `core.actions.Action` on the scoped object."""

    def run(self, request, action_obj, serializer_class=MaterielNoteSerializer, **fixed):
        obj = self.get_object()
        data = serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        params = dict(data.validated_data)
        result = action_obj.execute(request.user, obj, **self.action_params(params), **fixed)
        obj.refresh_from_db()
        return obj, result

    def action_params(self, params: dict) -> dict:
        return params

    def get_permissions(self):
        # Each action checks its own permission (403) after scope (404): see core.actions.
        if self.action in getattr(self, "workflow_actions", ()):
            return [IsAuthenticated()]
        return super().get_permissions()


class KindViewSet(ScopedReadOnlyViewSet):
    """Kinds of resources by sector, with the capacity attributes each class records."""

    queryset = Kind.objects.order_by("sort_order", "code")
    serializer_class = KindSerializer
    pagination_class = None


class ResourceViewSet(ScopedCreateListRetrieveUpdateViewSet):
    """The registry: a county sees and edits its own resources, an agency its organisation's, MND all.

    Newest first, with keyset pagination (`cursor`): no count over the national registry."""

    queryset = Resource.objects.select_related("kind", "township__parent", "owner_organisation")
    serializer_class = ResourceSerializer

    def get_queryset(self):
        if self.action == "list":
            # Scoped by the pagination (materiel.paging.newest, the same rows as for_user), which reads a
            # county township by township.
            return self.queryset.all()
        return super().get_queryset()

    filterset_class = ResourceFilter
    pagination_class = ResourcePagination


class SurveyViewSet(ActionMixin, ScopedReadOnlyViewSet):
    """County surveys of the annual capacity survey, with the change since last year."""

    queryset = CountySurvey.objects.select_related("cycle", "county").order_by("-cycle__year", "county__code")
    serializer_class = CountySurveySerializer
    filterset_class = SurveyFilter
    workflow_actions = ("submit", "accept", "return_", "import_")

    @extend_schema(request=MaterielNoteSerializer, responses=CountySurveySerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The county submits its confirmed inventory (figures per kind are kept for next year)."""
        survey, _r = self.run(request, services.SURVEY_ACTIONS["submit"])
        return Response(self.get_serializer(survey).data)

    @extend_schema(request=MaterielNoteSerializer, responses=CountySurveySerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """MND accepts a submitted survey."""
        survey, _r = self.run(request, services.SURVEY_ACTIONS["accept"])
        return Response(self.get_serializer(survey).data)

    @extend_schema(
        request=MaterielNoteSerializer, responses=CountySurveySerializer, operation_id="materiel_surveys_return"
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """MND returns a submitted survey to the county, with the reason."""
        survey, _r = self.run(request, services.SURVEY_ACTIONS["return"])
        return Response(self.get_serializer(survey).data)

    @extend_schema(request={"multipart/form-data": ImportSerializer}, responses={202: JobSerializer})
    @action(detail=True, methods=["post"], url_path="import")
    def import_(self, request, pk=None):
        """Upload the county's inventory (CSV or XLSX): all rows or none; the job lists errors per row and column."""
        survey = self.get_object()
        if not request.user.has_perm(SurveyImport.permission):
            return Response({"detail": _("You do not have permission to do this.")}, status=status.HTTP_403_FORBIDDEN)
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        job = start_import(SurveyImport, request.user, data.validated_data["file"], params={"survey": survey.pk})
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class RequirementViewSet(ActionMixin, ScopedCreateListRetrieveUpdateViewSet):
    """What units need. `match` proposes resources nearest first; `confirm` holds them; `shortfall` sums up."""

    queryset = (
        Requirement.objects.select_related("kind", "region")
        .annotate(allocated_count=Count("allocations", filter=Q(allocations__status__in=HOLDING)))
        .order_by("-id")
    )
    serializer_class = RequirementSerializer
    filterset_class = RequirementFilter
    workflow_actions = ("match", "confirm")

    def perform_create(self, serializer):
        serializer.validated_data["created_by"] = self.request.user
        super().perform_create(serializer)

    def _match_response(self, requirement, result):
        allocations = Allocation.objects.filter(requirement=requirement, status__in=HOLDING).select_related(
            "resource__township"
        )
        return Response({**result.as_dict(), "allocations": AllocationSerializer(allocations, many=True).data})

    @extend_schema(request=None, responses=MatchResultSerializer)
    @action(detail=True, methods=["post"])
    def match(self, request, pk=None):
        """Propose registered resources, nearest to the handover point first, skipping those already held for an
        overlapping period; says what is still missing."""
        requirement, result = self.run(request, services.REQUIREMENT_ACTIONS["match"])
        return self._match_response(requirement, result)

    @extend_schema(request=None, responses=MatchResultSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Staff confirm the proposed resources."""
        requirement, _n = self.run(request, services.REQUIREMENT_ACTIONS["confirm"])
        return self._match_response(requirement, matching.match_summary(requirement))

    @extend_schema(responses={200: ShortfallSerializer(many=True)})
    @action(detail=False, methods=["get"], pagination_class=None)
    def shortfall(self, request):
        """Required, allocated and missing per township (the requirement's region) and kind."""
        rows = matching.shortfall(self.filter_queryset(self.get_queryset()))
        return Response(ShortfallSerializer(rows, many=True).data)


class RequisitionViewSet(ActionMixin, ScopedCreateListRetrieveUpdateViewSet):
    """Requisition orders: drafted from a requirement's confirmed allocations, submitted, approved by another
    person, issued as notices once. Issuing waits until each conflict is resolved or accepted."""

    queryset = Requisition.objects.select_related("requirement").prefetch_related(
        "allocations", Prefetch("conflicts", queryset=services.Conflict.objects.select_related("resource"))
    )
    serializer_class = RequisitionSerializer
    filterset_class = RequisitionFilter
    http_method_names = ["get", "post", "head", "options"]
    workflow_actions = ("submit", "approve", "reject", "issue", "accept_conflict")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.draft_requisition(
            user=self.request.user,
            requirement=data["requirement"],
            title=data["title"],
            kind=data["kind"],
            purpose=data["purpose"],
            legal_basis=data.get("legal_basis", ""),
        )

    def _step(self, request, name):
        requisition, _r = self.run(request, services.REQUISITION_ACTIONS[name])
        return Response(self.get_serializer(self.get_queryset().get(pk=requisition.pk)).data)

    @extend_schema(request=MaterielNoteSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit for approval; the cross-domain checks run and their conflicts are listed on the order."""
        return self._step(request, "submit")

    @extend_schema(request=MaterielNoteSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """An approver who neither drafted nor submitted the order approves it."""
        return self._step(request, "approve")

    @extend_schema(request=MaterielNoteSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """An approver sends the order back to draft, with the reason."""
        return self._step(request, "reject")

    @extend_schema(request=None, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        """Issue one notice per resource to its owner, once; 409 while a conflict is open."""
        from django.db import transaction

        from .. import checks

        requisition = self.get_object()
        with transaction.atomic():
            checks.refresh(requisition)
        return self._step(request, "issue")

    @extend_schema(request=MaterielNoteSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"], url_path=r"conflicts/(?P<conflict_id>\d+)/accept")
    def accept_conflict(self, request, pk=None, conflict_id=None):
        """Accept one conflict of the order with a reason, so issuing need not wait for it."""
        requisition = self.get_object()
        conflict = requisition.conflicts.filter(pk=conflict_id).first()
        if conflict is None:
            from django.http import Http404

            raise Http404
        data = MaterielNoteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.CONFLICT_ACCEPT.execute(request.user, conflict, note=data.validated_data["note"])
        return Response(self.get_serializer(self.get_queryset().get(pk=requisition.pk)).data)


class RequisitionNoticeViewSet(
    ActionMixin,
    ScopedQuerysetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Notices to owners. `handover` and `return` record the condition; `return` also the compensation or
    damage claim; `exempt` (with `replace`) exempts a resource and gives its place to the next nearest."""

    queryset = RequisitionNotice.objects.select_related("resource").order_by("requisition_id", "id")
    serializer_class = RequisitionNoticeSerializer
    filterset_class = NoticeFilter
    workflow_actions = ("handover", "return_", "exempt")

    def action_params(self, params):
        at = params.pop("at", None)
        if self.action == "handover":
            params["handed_over_at"] = at
        elif self.action == "return_":
            params["returned_at"] = at
        return params

    @extend_schema(request=HandoverSerializer, responses=RequisitionNoticeSerializer)
    @action(detail=True, methods=["post"])
    def handover(self, request, pk=None):
        """Record the handover at the handover point, with the resource's condition."""
        notice, _r = self.run(request, services.NOTICE_ACTIONS["handover"], HandoverSerializer)
        return Response(self.get_serializer(notice).data)

    @extend_schema(
        request=ReturnSerializer, responses=RequisitionNoticeSerializer, operation_id="materiel_notices_return"
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None):
        """Record the return with the condition, and the compensation or damage claim."""
        notice, _r = self.run(request, services.NOTICE_ACTIONS["return"], ReturnSerializer)
        return Response(self.get_serializer(notice).data)

    @extend_schema(request=MaterielExemptSerializer, responses=RequisitionNoticeSerializer)
    @action(detail=True, methods=["post"])
    def exempt(self, request, pk=None):
        """Exempt the resource (with the reason); with `replace`, the next nearest free resource gets a notice."""
        notice, _r = self.run(request, services.NOTICE_ACTIONS["exempt"], MaterielExemptSerializer)
        return Response(self.get_serializer(notice).data)
