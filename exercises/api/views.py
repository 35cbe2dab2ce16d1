import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api.serializers import JobSerializer
from core.api.viewsets import ScopedCreateListRetrieveUpdateViewSet, ScopedModelViewSet, ScopedReadOnlyViewSet
from core.filters import IntegerFilter, ScopedFilterSet
from core.scope import ensure_in_scope

from .. import services
from ..choices import ActionStatus, ExerciseStatus, ExerciseType
from ..models import CorrectiveAction, Evaluation, Exercise, HandoverTime, Objective, Participant, Subject
from .serializers import (
    CompleteActionSerializer,
    CorrectiveActionSerializer,
    EvaluationSerializer,
    ExerciseSerializer,
    HandoverTimeSerializer,
    ObjectiveSerializer,
    ParticipantSerializer,
    SubjectSerializer,
    TransitionRefusedSerializer,
    TransitionSerializer,
)


class SubjectViewSet(ScopedCreateListRetrieveUpdateViewSet):
    """Exercise subjects: the chapter 5 subjects (shipped) and custom ones."""

    queryset = Subject.objects.all()
    serializer_class = SubjectSerializer
    pagination_class = None

    def perform_update(self, serializer):
        if serializer.instance.builtin:
            raise PermissionDenied("The shipped subjects cannot be changed.")
        super().perform_update(serializer)


class ExerciseFilter(ScopedFilterSet):
    exercise_type = django_filters.ChoiceFilter(choices=ExerciseType.choices)
    status = django_filters.ChoiceFilter(choices=ExerciseStatus.choices)
    region = django_filters.CharFilter(field_name="regions__code", distinct=False, method="filter_region")
    year = IntegerFilter(field_name="start_date__year", min_value=1912, max_value=9999)

    class Meta:
        model = Exercise
        fields = ["exercise_type", "status", "region", "year"]

    def filter_region(self, queryset, name, value):
        through = Exercise.regions.through.objects.filter(
            region__code=value.upper() if value[:3].upper() == "TW-" else value
        )
        return queryset.filter(pk__in=through.values("exercise_id"))


class ExerciseViewSet(ScopedModelViewSet):
    """Exercises and drills. Status moves with `POST {id}/transition/` and `POST {id}/close/`."""

    queryset = (
        Exercise.objects.select_related("lead_organisation").prefetch_related("regions").order_by("-start_date", "-id")
    )
    serializer_class = ExerciseSerializer
    filterset_class = ExerciseFilter
    lookup_value_regex = r"\d+"

    def perform_destroy(self, instance):
        if instance.status != ExerciseStatus.PLANNING:
            services.ensure_exercise_editable(instance)
            raise PermissionDenied("Only an exercise still being planned can be deleted.")
        super().perform_destroy(instance)

    def perform_update(self, serializer):
        services.ensure_exercise_editable(serializer.instance)
        super().perform_update(serializer)

    @extend_schema(request=None, responses={200: ExerciseSerializer, 409: TransitionRefusedSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the exercise: refused (409, with reasons) unless being evaluated and every action has an owner."""
        self.get_object()
        exercise = services.close_exercise(user=request.user, exercise_id=int(pk))
        return Response(ExerciseSerializer(exercise, context=self.get_serializer_context()).data)

    @extend_schema(request=TransitionSerializer, responses={200: ExerciseSerializer, 409: TransitionRefusedSerializer})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the exercise one step: planning -> ready -> in_progress -> evaluating -> closed."""
        self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        exercise = services.advance_exercise(
            user=request.user, exercise_id=int(pk), to_status=data.validated_data["status"]
        )
        return Response(ExerciseSerializer(exercise, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={202: JobSerializer})
    @action(detail=True, methods=["post"], url_path="report")
    def report(self, request, pk=None):
        """Queue the after-action report / improvement plan PDF; poll the job, then download its result."""
        self.get_object()
        job = services.request_report(user=request.user, exercise_id=int(pk))
        return Response(JobSerializer(job, context=self.get_serializer_context()).data, status=status.HTTP_202_ACCEPTED)

    # The workflow actions need their own permission, not the POST -> add_exercise of the model permissions.
    ACTION_PERMS = {
        "close": "exercises.change_exercise",
        "transition": "exercises.change_exercise",
        "report": "exercises.view_exercise",
    }

    def get_permissions(self):
        if self.action in self.ACTION_PERMS:
            return [IsAuthenticated()]
        return super().get_permissions()

    def check_permissions(self, request):
        super().check_permissions(request)
        perm = self.ACTION_PERMS.get(self.action)
        if perm and not request.user.has_perm(perm):
            self.permission_denied(request)


EXERCISE_PARAM = OpenApiParameter("exercise_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Exercise id")


class ExerciseChildMixin:
    """Objects nested under /api/exercises/{exercise_pk}/: the exercise must be within the user's scope."""

    exercise_path = "exercise"

    def get_exercise(self) -> Exercise:
        if not hasattr(self, "_exercise"):
            self._exercise = get_object_or_404(
                Exercise.objects.for_user(self.request.user), pk=self.kwargs["exercise_pk"]
            )
        return self._exercise

    def get_queryset(self):
        queryset = super().get_queryset()
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        return queryset.filter(**{self.exercise_path: self.get_exercise()})

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "exercise_pk" in self.kwargs:
            context["exercise"] = self.get_exercise()
        return context

    def perform_destroy(self, instance):
        services.ensure_exercise_editable(self.get_exercise())
        super().perform_destroy(instance)


@extend_schema(parameters=[EXERCISE_PARAM])
class ObjectiveViewSet(ExerciseChildMixin, ScopedModelViewSet):
    queryset = Objective.objects.select_related("subject").order_by("id")
    serializer_class = ObjectiveSerializer
    pagination_class = None

    def perform_create(self, serializer):
        exercise = self.get_exercise()
        services.ensure_exercise_editable(exercise)
        with transaction.atomic():
            instance = serializer.save(exercise=exercise)
            ensure_in_scope(self.request.user, instance)

    def perform_update(self, serializer):
        services.ensure_exercise_editable(self.get_exercise())
        super().perform_update(serializer)


@extend_schema(parameters=[EXERCISE_PARAM])
class ParticipantViewSet(ExerciseChildMixin, ScopedModelViewSet):
    """Who takes part. A drill requisition order (`kind=requisition`) has its handovers timed with
    `POST {id}/record-handovers/`."""

    queryset = Participant.objects.select_related("organisation", "reserve_unit", "requisition").order_by("id")
    serializer_class = ParticipantSerializer
    pagination_class = None

    def get_permissions(self):
        if self.action == "record_handovers":
            return [IsAuthenticated()]
        return super().get_permissions()

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action == "record_handovers" and not request.user.has_perm("exercises.add_evaluation"):
            self.permission_denied(request)

    @extend_schema(request=None, responses={200: HandoverTimeSerializer(many=True), 409: TransitionRefusedSerializer})
    @action(detail=True, methods=["post"], url_path="record-handovers")
    def record_handovers(self, request, exercise_pk=None, pk=None):
        """Record in the evaluation, per notice of this requisition order, the planned and the actual handover
        time from the handover records (again to refresh); 409 while the notices are not issued."""
        self.get_object()
        rows = services.record_handover_times(
            user=request.user, exercise_id=self.get_exercise().pk, participant_id=int(pk)
        )
        return Response(HandoverTimeSerializer(rows, many=True, context=self.get_serializer_context()).data)

    def perform_create(self, serializer):
        exercise = self.get_exercise()
        services.ensure_exercise_editable(exercise)
        with transaction.atomic():
            instance = Participant(exercise=exercise, **serializer.validated_data)
            instance.full_clean()
            instance.save()
            serializer.instance = instance
            ensure_in_scope(self.request.user, instance)


@extend_schema(parameters=[EXERCISE_PARAM])
class HandoverTimeViewSet(ExerciseChildMixin, ScopedReadOnlyViewSet):
    """The drill's handover times per requisition notice, as its evaluation recorded them."""

    queryset = HandoverTime.objects.select_related("participant__requisition").order_by("planned_at", "id")
    serializer_class = HandoverTimeSerializer
    pagination_class = None


@extend_schema(parameters=[EXERCISE_PARAM])
class EvaluationViewSet(ExerciseChildMixin, ScopedCreateListRetrieveUpdateViewSet):
    queryset = Evaluation.objects.select_related("objective").order_by("id")
    serializer_class = EvaluationSerializer
    pagination_class = None
    exercise_path = "objective__exercise"

    def perform_create(self, serializer):
        evaluation = Evaluation(**serializer.validated_data)
        serializer.instance = services.record_evaluation(user=self.request.user, evaluation=evaluation)

    def perform_update(self, serializer):
        exercise = self.get_exercise()
        services.ensure_exercise_editable(exercise)
        services.ensure_can_evaluate(exercise)
        with transaction.atomic():
            instance = serializer.save()
            instance.full_clean()
            ensure_in_scope(self.request.user, instance)


class CorrectiveActionFilter(ScopedFilterSet):
    status = django_filters.ChoiceFilter(choices=ActionStatus.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue")
    owner = django_filters.NumberFilter(field_name="owner_id")
    exercise = django_filters.NumberFilter(field_name="exercise_id")

    class Meta:
        model = CorrectiveAction
        fields = ["status", "overdue", "owner", "exercise"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = CorrectiveAction.objects.overdue().values("pk")
        return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


class CorrectiveActionViewSet(ScopedCreateListRetrieveUpdateViewSet):
    """Corrective actions (the improvement plan). `?overdue=true` lists the overdue ones still open."""

    queryset = CorrectiveAction.objects.select_related("owner", "exercise").order_by("due_date", "id")
    serializer_class = CorrectiveActionSerializer
    filterset_class = CorrectiveActionFilter

    def perform_create(self, serializer):
        services.ensure_exercise_editable(serializer.validated_data["exercise"])
        super().perform_create(serializer)

    def perform_update(self, serializer):
        # Owners (agencies) progress their actions with `complete`; re-planning is for the planners.
        if not self.request.user.has_perm("exercises.add_correctiveaction"):
            raise PermissionDenied
        if serializer.instance.status == ActionStatus.COMPLETED:
            services.ensure_exercise_editable(serializer.instance.exercise)
        super().perform_update(serializer)

    @extend_schema(responses={200: CorrectiveActionSerializer(many=True)})
    @action(detail=False, methods=["get"])
    def overdue(self, request):
        """Overdue actions (past due, not completed) within the user's scope; they stay here until closed."""
        queryset = self.filter_queryset(self.get_queryset()).overdue()
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_permissions(self):
        if self.action == "complete":
            return [IsAuthenticated()]
        return super().get_permissions()

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.action == "complete" and not request.user.has_perm("exercises.change_correctiveaction"):
            self.permission_denied(request)

    @extend_schema(request=CompleteActionSerializer, responses={200: CorrectiveActionSerializer})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Close the action with its evidence of completion (required)."""
        self.get_object()
        data = CompleteActionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        action_obj = services.complete_action(
            user=request.user, action_id=int(pk), evidence=data.validated_data["evidence"]
        )
        return Response(CorrectiveActionSerializer(action_obj, context=self.get_serializer_context()).data)
