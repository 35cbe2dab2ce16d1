from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cip.models import Asset
from civil_defense.models import Team
from core.api.serializers import RegionCodeField
from core.models import Organisation
from materiel.choices import Purpose
from materiel.models import Requisition
from reservists.models import ReserveUnit

from ..choices import ExerciseStatus, Rating
from ..models import CorrectiveAction, Evaluation, Exercise, HandoverTime, Objective, Participant, Subject


class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id of a scoped model, limited to the rows the user can see (others are "does not exist")."""

    model = None

    def __init__(self, model=None, **kwargs):
        self.model = model or self.model
        kwargs.setdefault("queryset", self.model.objects.all())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        queryset = self.model.objects.all()
        return queryset.for_user(request.user) if request is not None else queryset


class ScopedOrganisationField(ScopedPrimaryKeyField):
    model = Organisation


class SubjectSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Subject
        fields = ["id", "code", "name", "name_zh", "name_en", "builtin", "timed"]
        read_only_fields = ["builtin"]


class ExerciseSerializer(serializers.ModelSerializer):
    regions = RegionCodeField(many=True)
    lead_organisation = ScopedOrganisationField(required=False, allow_null=True)
    status = serializers.ChoiceField(
        choices=[c for c in ExerciseStatus.choices if c[0] != ExerciseStatus.CLOSED],
        required=False,
        help_text=_("Only on create (to record an exercise already under way); then use the transitions."),
    )

    class Meta:
        model = Exercise
        fields = [
            "id",
            "name",
            "exercise_type",
            "start_date",
            "end_date",
            "regions",
            "status",
            "lead_organisation",
            "scenario",
            "closed_at",
        ]
        read_only_fields = ["closed_at"]

    def validate_regions(self, value):
        if not value:
            raise serializers.ValidationError(_("Name at least one region."))
        return value

    def validate(self, attrs):
        start = attrs.get("start_date", getattr(self.instance, "start_date", None))
        end = attrs.get("end_date", getattr(self.instance, "end_date", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end_date": _("The exercise cannot end before it starts.")})
        if self.instance is not None and "status" in attrs and attrs["status"] != self.instance.status:
            raise serializers.ValidationError({"status": _("Change the status with the transition endpoints.")})
        return attrs


class TransitionSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ExerciseStatus.choices)


class TransitionRefusedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    reasons = serializers.ListField(child=serializers.DictField())


class ObjectiveSerializer(serializers.ModelSerializer):
    subject = serializers.PrimaryKeyRelatedField(queryset=Subject.objects.all())

    class Meta:
        model = Objective
        fields = ["id", "exercise", "subject", "description"]
        read_only_fields = ["exercise"]


class ParticipantSerializer(serializers.ModelSerializer):
    organisation = ScopedOrganisationField(required=False, allow_null=True)
    reserve_unit = ScopedPrimaryKeyField(ReserveUnit, required=False, allow_null=True)
    civil_defense_team = ScopedPrimaryKeyField(Team, required=False, allow_null=True)
    ci_asset = ScopedPrimaryKeyField(Asset, required=False, allow_null=True)
    requisition = ScopedPrimaryKeyField(Requisition, required=False, allow_null=True)

    class Meta:
        model = Participant
        fields = [
            "id",
            "exercise",
            "kind",
            "organisation",
            "reserve_unit",
            "civil_defense_team",
            "ci_asset",
            "requisition",
            "role",
            "notes",
        ]
        read_only_fields = ["exercise"]

    def validate_requisition(self, value):
        if value is not None and value.purpose != Purpose.DRILL:
            raise serializers.ValidationError(_("Only a requisition order for a drill takes part in an exercise."))
        return value


class HandoverTimeSerializer(serializers.ModelSerializer):
    """A requisition notice's handover as the drill's evaluation recorded it (planned against actual)."""

    requisition = serializers.CharField(source="participant.requisition.number", read_only=True)
    on_time = serializers.BooleanField(read_only=True)
    delay_minutes = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = HandoverTime
        fields = [
            "id",
            "exercise",
            "participant",
            "requisition",
            "notice",
            "notice_number",
            "resource_label",
            "notice_status",
            "planned_at",
            "handed_over_at",
            "on_time",
            "delay_minutes",
            "updated_at",
        ]
        read_only_fields = fields


class EvaluationSerializer(serializers.ModelSerializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    duration_minutes = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "objective",
            "rating",
            "observations",
            "strengths",
            "areas_for_improvement",
            "ordered_at",
            "opened_at",
            "duration_minutes",
            "evaluator_name",
        ]
        read_only_fields = ["evaluator_name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        exercise = self.context.get("exercise")
        if exercise is not None and "objective" in self.fields:
            self.fields["objective"].queryset = Objective.objects.filter(exercise=exercise)


class CorrectiveActionSerializer(serializers.ModelSerializer):
    owner = ScopedOrganisationField(required=False, allow_null=True)
    exercise = serializers.PrimaryKeyRelatedField(queryset=Exercise.objects.all())
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "exercise",
            "evaluation",
            "description",
            "owner",
            "due_date",
            "status",
            "evidence",
            "completed_at",
            "is_overdue",
        ]
        read_only_fields = ["status", "completed_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "exercise" in self.fields:
            self.fields["exercise"].queryset = Exercise.objects.for_user(request.user)
            self.fields["evaluation"].queryset = Evaluation.objects.for_user(request.user)

    def validate(self, attrs):
        exercise = attrs.get("exercise", getattr(self.instance, "exercise", None))
        evaluation = attrs.get("evaluation", getattr(self.instance, "evaluation", None))
        if self.instance is not None and "exercise" in attrs and attrs["exercise"] != self.instance.exercise:
            raise serializers.ValidationError({"exercise": _("An action stays with its exercise.")})
        if evaluation is not None and exercise is not None and evaluation.objective.exercise_id != exercise.pk:
            raise serializers.ValidationError({"evaluation": _("That evaluation belongs to another exercise.")})
        return attrs


class CompleteActionSerializer(serializers.Serializer):
    evidence = serializers.CharField()
