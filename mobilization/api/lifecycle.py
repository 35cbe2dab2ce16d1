"""API of the end of the call-up (the acceptance checks use exactly these paths):

POST notices/{id}/exempt/, notices/{id}/release/, notices/{id}/attendance-unknown/;
GET exemptions/ (order, township, status), POST exemptions/{id}/approve/ and /refuse/, GET its documents;
POST orders/{id}/exempt-area/, orders/{id}/recall/, orders/{id}/correct/, orders/{id}/close/;
GET orders/{id}/yield/; GET changes/, POST changes/{id}/approve/ and /refuse/;
GET no-show-cases/ (order, township, status), POST no-show-cases/{id}/steps/; GET exemption-grounds/.

Every body is checked strictly: a field the endpoint does not know is refused (400), and nothing changes.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from core import events
from core.api.pagination import CountedPagination
from core.api.params import StrictQueryMixin
from core.api.permissions import ModelPermissions, perm_class
from core.api.serializers import JobSerializer
from core.models import Region

from .. import events_lifecycle as ev
from ..choices import CaseStatus, CaseStep, ExemptionStatus, GapReason
from ..filters import township_for
from ..models import CallUpOrder, Exemption, ExemptionDocument, ExemptionGround, Gap, NoShowCase, Notice, OrderChange
from ..services import changes, closing, eligibility, exemptions

# ----- strict input --------------------------------------------------------------------------------


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not declare, instead of ignoring them."""

    def validate(self, attrs):
        known = set(self.fields)
        data = self.initial_data
        keys = set(data.keys()) if hasattr(data, "keys") else set()
        unknown = sorted(keys - known)
        if unknown:
            raise serializers.ValidationError(
                {key: [_("This field is not understood by this endpoint.")] for key in unknown}
            )
        return attrs


class GroundField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=ExemptionGround.objects.filter(active=True), **kwargs)


class TownshipsField(serializers.ListField):
    """Township codes (zipcodes such as 220), each one inside the user's scope."""

    child = serializers.CharField(max_length=20)

    def to_internal_value(self, data):
        codes = super().to_internal_value(data)
        request = self.context["request"]
        visible = Region.objects.for_user(request.user)
        found = []
        for code in codes:
            region = Region.objects.filter(code=code, level="township").first()  # by code only, never by id
            if region is None or not visible.filter(pk=region.pk).exists():
                raise serializers.ValidationError(_("No township has the code %(c)s.") % {"c": code})
            found.append(region)
        return found


# ----- serializers ---------------------------------------------------------------------------------


class ExemptionDocumentSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = ExemptionDocument
        fields = ["id", "name", "content_type", "size", "url", "created_at"]
        read_only_fields = fields

    def get_url(self, document) -> str:
        return f"/api/mobilization/exemptions/{document.exemption_id}/documents/{document.pk}/"


class ExemptionSerializer(serializers.ModelSerializer):
    notice = serializers.IntegerField(source="notice_id", read_only=True)
    order = serializers.IntegerField(source="notice.order_id", read_only=True)
    township = serializers.CharField(source="notice.township.code", read_only=True)
    notice_status = serializers.CharField(source="notice.status", read_only=True)
    ground = serializers.CharField(source="ground.code", read_only=True)
    ground_label = serializers.CharField(source="ground.name", read_only=True)
    documents = ExemptionDocumentSerializer(many=True, read_only=True)
    replacement = serializers.SerializerMethodField()
    gap = serializers.SerializerMethodField()

    class Meta:
        model = Exemption
        fields = [
            "id",
            "notice",
            "order",
            "township",
            "notice_status",
            "ground",
            "ground_label",
            "note",
            "replace",
            "status",
            "requested_by_name",
            "decided_at",
            "decision_comment",
            "documents",
            "gap",
            "replacement",
            "created_at",
        ]
        read_only_fields = fields

    def _gap(self, exemption):
        return Gap.objects.filter(notice_id=exemption.notice_id).select_related("replacement").first()

    def get_gap(self, exemption) -> str | None:
        gap = self._gap(exemption)
        return gap.status if gap else None

    def get_replacement(self, exemption) -> dict | None:
        gap = self._gap(exemption)
        if gap and gap.replacement:
            return {"id": gap.replacement.pk, "number": gap.replacement.number, "status": gap.replacement.status}
        return None


class ExemptSerializer(StrictSerializer):
    ground = GroundField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    replace = serializers.BooleanField(default=True)
    documents = serializers.ListField(child=serializers.FileField(), required=False, default=list, max_length=10)


class ReleaseSerializer(StrictSerializer):
    reason = serializers.ChoiceField(choices=[GapReason.UNDELIVERABLE, GapReason.INELIGIBLE, GapReason.MOVED])
    note = serializers.CharField(max_length=2000)
    replace = serializers.BooleanField(default=True)


class NoteSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class LifecycleDecisionSerializer(StrictSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class AreaSerializer(StrictSerializer):
    townships = TownshipsField(min_length=1, max_length=400)
    ground = GroundField()
    replace = serializers.BooleanField(default=True)
    reason = serializers.CharField(max_length=2000)


class ChangeRequestSerializer(StrictSerializer):
    townships = TownshipsField(required=False, allow_null=True, default=None, max_length=400)
    reason = serializers.CharField(max_length=2000)


class CorrectionSerializer(ChangeRequestSerializer):
    report_date = serializers.DateField(required=False, allow_null=True, default=None)
    report_time = serializers.TimeField(required=False, allow_null=True, default=None)
    assembly_point = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)


class ChangeSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="order_id", read_only=True)
    townships = serializers.SerializerMethodField()
    job = JobSerializer(read_only=True)

    class Meta:
        model = OrderChange
        fields = [
            "id",
            "order",
            "kind",
            "status",
            "townships",
            "reason",
            "new_report_date",
            "new_report_time",
            "new_assembly_point",
            "proposed_by_name",
            "decided_at",
            "decision_comment",
            "affected",
            "job",
            "created_at",
        ]
        read_only_fields = fields

    def get_townships(self, change) -> list[str] | None:
        codes = [t.code for t in change.townships.all()]
        return codes or None


class StepSerializer(serializers.Serializer):
    step = serializers.CharField()
    note = serializers.CharField()
    at = serializers.DateTimeField()
    user_name = serializers.CharField()


class NoShowCaseSerializer(serializers.ModelSerializer):
    notice = serializers.IntegerField(source="notice_id", read_only=True)
    number = serializers.CharField(source="notice.number", read_only=True)
    name = serializers.CharField(source="notice.masked_name", read_only=True)
    order = serializers.IntegerField(source="order_id", read_only=True)
    township = serializers.CharField(source="township.code", read_only=True)
    owner = serializers.SerializerMethodField()
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = NoShowCase
        fields = ["id", "notice", "number", "name", "order", "township", "status", "owner", "due_date", "steps"]
        read_only_fields = fields

    def get_owner(self, case) -> str | None:
        return case.owner.get_username() if case.owner_id else None


class CaseStepSerializer(StrictSerializer):
    step = serializers.ChoiceField(choices=CaseStep.choices)
    note = serializers.CharField(max_length=2000)


class GroundSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="name", read_only=True)

    class Meta:
        model = ExemptionGround
        fields = ["id", "code", "name_zh", "name_en", "label", "active", "position"]


# ----- helpers -------------------------------------------------------------------------------------


def _filter(queryset, params, *, order_field: str, township_field: str, statuses: list[str]):
    allowed = {"order", "township", "status", "page", "page_size", "format"}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise serializers.ValidationError({k: [_("This filter is not understood.")] for k in unknown})
    order = params.get("order")
    if order:
        if not order.isdigit():
            raise serializers.ValidationError({"order": [_("Give the order's id.")]})
        queryset = queryset.filter(**{order_field: int(order)})
    township = params.get("township")
    if township:
        region = township_for(township)
        if region is None:
            raise serializers.ValidationError({"township": [_("No township has the code %(c)s.") % {"c": township}]})
        queryset = queryset.filter(**{township_field: region})
    wanted = params.get("status")
    if wanted:
        if wanted not in statuses:
            raise serializers.ValidationError(
                {"status": [_("Unknown status %(s)s; use one of %(v)s.") % {"s": wanted, "v": ", ".join(statuses)}]}
            )
        queryset = queryset.filter(status=wanted)
    return queryset


def _notice(request, pk) -> Notice:
    return get_object_or_404(Notice.objects.for_user(request.user).select_related("order"), pk=pk)


def _order(request, pk) -> CallUpOrder:
    return get_object_or_404(CallUpOrder.objects.for_user(request.user), pk=pk)


def _body(serializer_class, request):
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return body.validated_data


def _exemption_response(exemption, code=status.HTTP_201_CREATED):
    exemption = Exemption.objects.select_related("notice__township", "ground").get(pk=exemption.pk)
    return Response(ExemptionSerializer(exemption).data, status=code)


# ----- notices -------------------------------------------------------------------------------------


class NoticeExemptView(APIView):
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_notice")]

    @extend_schema(request=ExemptSerializer, responses={201: ExemptionSerializer})
    def post(self, request, pk):
        """Exempt a notice from its call-up (MND staff: at once) or request it (a township office)."""
        notice = _notice(request, pk)
        data = _body(ExemptSerializer, request)
        exemption = exemptions.request_exemption(
            user=request.user,
            notice=notice,
            ground=data["ground"],
            note=data["note"],
            documents=data["documents"],
            replace=data["replace"],
        )
        return _exemption_response(exemption)


class NoticeReleaseView(APIView):
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_notice")]

    @extend_schema(request=ReleaseSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        """Take a notice out of the call (undeliverable, ineligible, moved) and replace the person."""
        notice = _notice(request, pk)
        data = _body(ReleaseSerializer, request)
        job = exemptions.ReleaseNotice().execute(
            request.user, notice, note=data["note"], reason=data["reason"], replace=data["replace"]
        )
        gap = Gap.objects.filter(notice=notice).select_related("replacement").first()
        return Response(
            {
                "notice": notice.pk,
                "status": Notice.objects.get(pk=notice.pk).status,
                "gap": gap.status if gap else None,
                "replacement": gap.replacement_id if gap else None,
                "job": job.pk if job else None,
            }
        )


class AttendanceUnknownView(APIView):
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_notice")]

    @extend_schema(request=NoteSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        """Mark attendance unknown, with the reason (`note`), so the order can be closed."""
        notice = _notice(request, pk)
        data = _body(NoteSerializer, request)
        closing.MarkAttendanceUnknown().execute(request.user, notice, note=data["note"])
        return Response({"notice": notice.pk, "attendance": "unknown"})


# ----- exemptions ----------------------------------------------------------------------------------

EXEMPTION_FILTERS = [
    OpenApiParameter("order", int),
    OpenApiParameter("township", str, description="township code (zipcode such as 220)"),
    OpenApiParameter("status", str, enum=ExemptionStatus.values),
]


class ExemptionViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Exemptions of the user's area; the MND responsible unit approves or refuses requests."""

    serializer_class = ExemptionSerializer
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_exemption")]
    pagination_class = CountedPagination
    filterset_fields: list = []

    def get_queryset(self):
        queryset = (
            Exemption.objects.for_user(self.request.user)
            .select_related("notice__township", "ground")
            .prefetch_related("documents")
            .order_by("-id")
        )
        if self.action == "list":
            queryset = _filter(
                queryset,
                self.request.query_params,
                order_field="notice__order_id",
                township_field="notice__township",
                statuses=ExemptionStatus.values,
            )
        return queryset

    @extend_schema(parameters=EXEMPTION_FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=LifecycleDecisionSerializer, responses={200: ExemptionSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        exemption = self.get_object()
        data = _body(LifecycleDecisionSerializer, request)
        exemptions.ApproveExemption().execute(request.user, exemption, note=data["comment"])
        return _exemption_response(exemption, status.HTTP_200_OK)

    @extend_schema(request=LifecycleDecisionSerializer, responses={200: ExemptionSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        exemption = self.get_object()
        data = _body(LifecycleDecisionSerializer, request)
        exemptions.RefuseExemption().execute(request.user, exemption, note=data["comment"])
        return _exemption_response(exemption, status.HTTP_200_OK)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>\d+)")
    def document(self, request, pk=None, document_id=None):
        """One uploaded document, after the scope check of its exemption (and of the document itself)."""
        exemption = self.get_object()
        document = ExemptionDocument.objects.for_user(request.user).filter(exemption=exemption, pk=document_id).first()
        if document is None:
            raise Http404
        return exemptions.serve_document(request, document)


class GroundViewSet(StrictQueryMixin, viewsets.ModelViewSet):
    """The grounds of exemption, kept by mnd_admin (everyone who handles notices reads them)."""

    serializer_class = GroundSerializer
    queryset = ExemptionGround.objects.all()
    permission_classes = [IsAuthenticated, ModelPermissions]
    pagination_class = None
    filterset_fields: list = []
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        ground = serializer.save()
        events.record(ev.GROUND_SAVED, user=self.request.user, obj=ground, after=serializer.data)

    def perform_update(self, serializer):
        before = GroundSerializer(serializer.instance).data
        ground = serializer.save()
        events.record(ev.GROUND_SAVED, user=self.request.user, obj=ground, before=before, after=serializer.data)


# ----- orders --------------------------------------------------------------------------------------


class OrderAreaView(APIView):
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_calluporder")]

    @extend_schema(request=AreaSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        """Exempt every open notice of the chosen townships with one ground; replace from outside, or lower
        the quota (`replace: false`)."""
        order = _order(request, pk)
        data = _body(AreaSerializer, request)
        area = exemptions.ExemptArea().execute(
            request.user,
            order,
            note=data["reason"],
            townships=data["townships"],
            ground=data["ground"],
            replace=data["replace"],
        )
        return Response(
            {
                "id": area.pk,
                "order": order.pk,
                "exempted": area.exempted,
                "replace": area.replace,
                "quota_before": area.quota_before,
                "quota_after": area.quota_after,
                "job": JobSerializer(area.job).data if area.job else None,
            },
            status=status.HTTP_201_CREATED,
        )


class OrderChangeView(APIView):
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_calluporder")]
    kind = "recall"

    def get_serializer_class(self):
        return ChangeRequestSerializer if self.kind == "recall" else CorrectionSerializer

    def post(self, request, pk):
        """Propose a recall (or correction) of the whole order (`townships: null`) or of chosen townships."""
        order = _order(request, pk)
        data = _body(self.get_serializer_class(), request)
        action_class = changes.ProposeRecall if self.kind == "recall" else changes.ProposeCorrection
        extra = {k: data[k] for k in ("report_date", "report_time", "assembly_point") if k in data}
        change = action_class().execute(
            request.user, order, note=data["reason"], townships=data.get("townships") or None, **extra
        )
        return Response(ChangeSerializer(change).data, status=status.HTTP_201_CREATED)


class OrderRecallView(OrderChangeView):
    kind = "recall"

    @extend_schema(request=ChangeRequestSerializer, responses={201: ChangeSerializer})
    def post(self, request, pk):
        return super().post(request, pk)


class OrderCorrectView(OrderChangeView):
    kind = "correct"

    @extend_schema(request=CorrectionSerializer, responses={201: ChangeSerializer})
    def post(self, request, pk):
        return super().post(request, pk)


class ReleaseIneligibleSerializer(StrictSerializer):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    replace = serializers.BooleanField(default=True)


class OrderReleaseIneligibleView(APIView):
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_calluporder")]

    @extend_schema(request=ReleaseIneligibleSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        """Withdraw the notices of people who turned ineligible before report day (a new Art. 29 grant, a move
        out of the target) and replace them: `{"ineligible": n, "moved": m, "job": id or null}`."""
        order = _order(request, pk)
        data = _body(ReleaseIneligibleSerializer, request)
        result = eligibility.ReleaseIneligible().execute(
            request.user, order, note=data["note"], replace=data["replace"]
        )
        return Response({"order": order.pk, **result})


class OrderCloseView(APIView):
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_calluporder")]

    @extend_schema(request=NoteSerializer, responses={200: OpenApiTypes.OBJECT})
    def post(self, request, pk):
        """Close the order after its service period: refused (409, with the count and a link) while notices
        lack attendance. Freezes the yield and opens a no-show case per absentee."""
        order = _order(request, pk)
        data = _body(NoteSerializer, request)
        result = closing.CloseOrder().execute(request.user, order, note=data["note"])
        return Response({"order": order.pk, "status": "closed", **result})


class OrderYieldView(StrictQueryMixin, APIView):
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_orderyield")]

    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        """Called, delivered, undeliverable, postponed, exempted, replaced, withdrawn, reported, no-show."""
        return Response(closing.yield_payload(request.user, _order(request, pk)))


# ----- changes -------------------------------------------------------------------------------------


class ChangeViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Recalls and corrections; an approver who did not propose one approves (starting its job) or refuses."""

    serializer_class = ChangeSerializer
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_orderchange")]
    pagination_class = CountedPagination
    filterset_fields: list = []

    def get_queryset(self):
        queryset = (
            OrderChange.objects.for_user(self.request.user).select_related("job").prefetch_related("townships")
        ).order_by("-id")
        if self.action == "list":
            order = self.request.query_params.get("order")
            if order and order.isdigit():
                queryset = queryset.filter(order_id=int(order))
        return queryset

    @extend_schema(request=LifecycleDecisionSerializer, responses={202: JobSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        change = self.get_object()
        data = _body(LifecycleDecisionSerializer, request)
        job = changes.ApproveChange().execute(request.user, change, note=data["comment"])
        job.refresh_from_db()
        return Response(JobSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=LifecycleDecisionSerializer, responses={200: ChangeSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        change = self.get_object()
        data = _body(LifecycleDecisionSerializer, request)
        changes.RefuseChange().execute(request.user, change, note=data["comment"])
        change.refresh_from_db()
        return Response(ChangeSerializer(change).data)


# ----- no-show cases -------------------------------------------------------------------------------


class NoShowCaseViewSet(StrictQueryMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """No-show cases of the user's area (a county sees its townships'), with their steps."""

    serializer_class = NoShowCaseSerializer
    permission_classes = [IsAuthenticated, perm_class("mobilization.view_noshowcase")]
    pagination_class = CountedPagination
    filterset_fields: list = []

    def get_queryset(self):
        queryset = (
            NoShowCase.objects.for_user(self.request.user)
            .select_related("notice__reservist", "township", "owner")
            .prefetch_related("steps")
            .order_by("due_date", "id")
        )
        if self.action == "list":
            queryset = _filter(
                queryset,
                self.request.query_params,
                order_field="order_id",
                township_field="township",
                statuses=CaseStatus.values,
            )
        return queryset

    @extend_schema(parameters=EXEMPTION_FILTERS[:2] + [OpenApiParameter("status", str, enum=CaseStatus.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CaseStepSerializer, responses={201: NoShowCaseSerializer})
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Record a step: contact_attempted, explanation_received, justified, unjustified, unreachable."""
        case = self.get_object()
        data = _body(CaseStepSerializer, request)
        closing.record_step(user=request.user, case=case, step=data["step"], note=data["note"])
        case = self.get_queryset().get(pk=case.pk)
        return Response(NoShowCaseSerializer(case).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="referral")
    def referral(self, request, pk=None):
        """The referral letter of a case referred for prosecution (PDF)."""
        from django.http import HttpResponse

        from ..services.letters_pdf import render_referral

        case = self.get_object()
        if case.status != CaseStatus.REFERRED:
            raise Http404
        response = HttpResponse(render_referral(case), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="referral-{case.notice.number}.pdf"'
        return response
