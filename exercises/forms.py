from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ScopedModelForm
from core.models import Region
from materiel.choices import Purpose

from .choices import ActionStatus, Rating
from .models import CorrectiveAction, Evaluation, Exercise, Objective, Participant

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ExerciseForm(ScopedModelForm):
    class Meta:
        model = Exercise
        fields = ["exercise_type", "name", "start_date", "end_date", "regions", "lead_organisation", "scenario"]
        widgets = {"start_date": DATE, "end_date": DATE, "scenario": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        regions = self.fields["regions"]
        regions.queryset = regions.queryset.select_related("parent").order_by("position", "code")
        regions.help_text = _("The counties or townships the exercise takes place in.")
        if not self.instance.pk:
            scoped = Region.objects.for_user(self.user).counties()
            if scoped.count() == 1:
                self.initial.setdefault("regions", list(scoped))


class ObjectiveForm(ScopedModelForm):
    class Meta:
        model = Objective
        fields = ["subject", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ParticipantForm(ScopedModelForm):
    class Meta:
        model = Participant
        fields = [
            "kind",
            "organisation",
            "reserve_unit",
            "civil_defense_team",
            "ci_asset",
            "requisition",
            "role",
            "notes",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A drill names a drill order (its scope already applied by ScopedModelForm).
        requisition = self.fields["requisition"]
        requisition.queryset = requisition.queryset.filter(purpose=Purpose.DRILL).order_by("-id")


class EvaluationForm(ScopedModelForm):
    rating = forms.ChoiceField(label=_("rating"), choices=Rating.choices, widget=forms.RadioSelect)

    class Meta:
        model = Evaluation
        fields = ["rating", "strengths", "areas_for_improvement", "observations", "ordered_at", "opened_at"]
        widgets = {
            "strengths": forms.Textarea(attrs={"rows": 3}),
            "areas_for_improvement": forms.Textarea(attrs={"rows": 3}),
            "observations": forms.Textarea(attrs={"rows": 3}),
            "ordered_at": DATETIME,
            "opened_at": DATETIME,
        }

    def __init__(self, *args, objective=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.objective = objective
        for name in ("ordered_at", "opened_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
        if objective is not None and not objective.subject.timed:
            del self.fields["ordered_at"]
            del self.fields["opened_at"]


class CorrectiveActionForm(ScopedModelForm):
    class Meta:
        model = CorrectiveAction
        fields = ["description", "owner", "due_date"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "due_date": DATE}


class CorrectiveActionEditForm(CorrectiveActionForm):
    status = forms.ChoiceField(
        label=_("status"), choices=[c for c in ActionStatus.choices if c[0] != ActionStatus.COMPLETED]
    )

    class Meta(CorrectiveActionForm.Meta):
        fields = ["description", "owner", "due_date", "status"]


class CompleteActionForm(forms.Form):
    evidence = forms.CharField(
        label=_("Evidence of completion"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done and where it can be checked (document number, inspection, photo record)."),
    )


class ActionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), required=False, choices=[("", "---"), *ActionStatus.choices])
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
