from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.viewsets import ScopedModelViewSet
from core.exceptions import TransitionRefused

from ..models import Member, Shelter, ShelterAssignment, Station, Team, TeamPosition, TrainingSession
from ..services import shelters as shelter_service
from .serializers import (
    AssignmentSerializer,
    MemberSerializer,
    ShelterSerializer,
    StationSerializer,
    TeamSerializer,
    TrainingSerializer,
)


class TeamViewSet(ScopedModelViewSet):
    """Civil-defense teams in the user's area, with establishment (authorised posts) and strength (members)."""

    queryset = (
        Team.objects.with_figures()
        .select_related("county", "township")
        .prefetch_related(Prefetch("positions", queryset=TeamPosition.objects.order_by("position")))
        .order_by("pk")
    )
    serializer_class = TeamSerializer
    filterset_fields = ["kind", "parent"]

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)


class MemberViewSet(ScopedModelViewSet):
    """Team members; national IDs masked unless the user may see them in full."""

    queryset = Member.objects.select_related("team").with_last_trained().order_by("pk")
    serializer_class = MemberSerializer
    filterset_fields = ["team", "availability"]


class ShelterViewSet(ScopedModelViewSet):
    """Shelters (避難處所) with their capacity and the number of reservists assigned."""

    queryset = Shelter.objects.with_assigned().select_related("township").order_by("pk")
    serializer_class = ShelterSerializer
    filterset_fields = ["kind"]

    def perform_create(self, serializer):
        super().perform_create(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_update(self, serializer):
        super().perform_update(serializer)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        if ShelterAssignment.objects.filter(shelter=instance).exists():
            raise TransitionRefused(_("Reservists are assigned to this shelter; it cannot be deleted."))
        super().perform_destroy(instance)

    @extend_schema(responses={200: AssignmentSerializer(many=True)}, request=None, methods=["GET"])
    @extend_schema(request=AssignmentSerializer, responses={201: AssignmentSerializer}, methods=["POST"])
    @action(detail=True, methods=["get", "post"], serializer_class=AssignmentSerializer)
    def assignments(self, request, pk=None):
        """GET: the reservists assigned here. POST {"reservist": id}: assign one (409 when the shelter is full)."""
        shelter = self.get_object()
        if request.method == "GET":
            if not request.user.has_perm("civil_defense.view_shelterassignment"):
                return Response(status=status.HTTP_403_FORBIDDEN)
            rows = ShelterAssignment.objects.filter(shelter=shelter, released_at__isnull=True).select_related(
                "reservist"
            )
            page = self.paginate_queryset(rows.order_by("pk"))
            data = AssignmentSerializer(page, many=True, context=self.get_serializer_context()).data
            return self.get_paginated_response(data)
        if not request.user.has_perm("civil_defense.add_shelterassignment"):
            return Response(status=status.HTTP_403_FORBIDDEN)
        serializer = AssignmentSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        assignment = shelter_service.assign_reservist(
            user=request.user, shelter=shelter, reservist=serializer.validated_data["reservist"]
        )
        return Response(
            AssignmentSerializer(assignment, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )


class StationViewSet(ScopedModelViewSet):
    """Relief (救濟站), distribution (配售站) and first-aid (急救站) stations with their staffing teams."""

    queryset = Station.objects.select_related("township").prefetch_related("teams").order_by("pk")
    serializer_class = StationSerializer
    filterset_fields = ["kind"]


class TrainingViewSet(ScopedModelViewSet):
    """Training sessions; attendance is recorded on the page."""

    queryset = TrainingSession.objects.prefetch_related("attendees").order_by("-date", "pk")
    serializer_class = TrainingSerializer
    filterset_fields = ["team"]
