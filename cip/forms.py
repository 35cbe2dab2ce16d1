from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import RocDatesForm, ScopedModelForm
from core.models import Region

from .choices import Scenario
from .models import Asset, AssetContact, Dependency, PlanUnit, ProtectionPlan, RiskMatrix, Sector, SubSector


class DateInput(forms.DateInput):
    input_type = "date"


class AssetForm(ScopedModelForm):
    class Meta:
        model = Asset
        fields = [
            "name",
            "sector",
            "subsector",
            "level",
            "status",
            "operator",
            "ministry",
            "township",
            "address",
            "latitude",
            "longitude",
            "description",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Any township may be chosen (an agency has no region grant); the scope re-check after saving
        # still refuses an asset the user could not see (another operator outside their area).
        self.fields["township"].queryset = Region.objects.townships().select_related("parent")
        self.fields["subsector"].queryset = SubSector.objects.select_related("sector")


class ContactForm(ScopedModelForm):
    class Meta:
        model = AssetContact
        fields = ["name", "role", "phone", "email"]


class DependencyForm(ScopedModelForm):
    class Meta:
        model = Dependency
        fields = ["depends_on", "kind", "note"]
        labels = {"depends_on": _("Depends on (fails -> this asset is affected)")}

    def __init__(self, *args, asset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.asset = asset
        self.fields["depends_on"].queryset = self.fields["depends_on"].queryset.exclude(pk=asset.pk).order_by("name")


class AssessmentForm(RocDatesForm):
    scenario = forms.ChoiceField(label=_("Scenario"), choices=Scenario.choices)
    likelihood = forms.TypedChoiceField(label=_("Likelihood"), coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), coerce=int)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DateInput, initial=timezone.localdate)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, matrix: RiskMatrix, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(i, str(i)) for i in range(1, matrix.size + 1)]
        self.fields["likelihood"].choices = choices
        self.fields["impact"].choices = choices


class PlanForm(ScopedModelForm):
    class Meta:
        model = ProtectionPlan
        fields = ["title", "measures", "last_drill_on", "next_review_on"]
        widgets = {"last_drill_on": DateInput, "next_review_on": DateInput}


class PlanUnitForm(ScopedModelForm):
    class Meta:
        model = PlanUnit
        fields = ["kind", "name", "team", "organisation", "task", "contact"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The organisations the user may name: those of their scope (ScopedModelForm's for_user), never the
        # whole list (an agency read other organisations' names through it: issue 16, finding 13a). A unit from
        # elsewhere (military, police) is named in `name`.
        self.fields["organisation"].queryset = self.fields["organisation"].queryset.order_by("name")


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class SectorForm(forms.ModelForm):
    class Meta:
        model = Sector
        fields = ["name_zh", "name_en", "ministry", "sort_order"]
