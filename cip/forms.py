from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import RocDatesForm, ScopedModelForm
from core.models import Region

from .choices import DependencyKind, Scenario
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
    """What this asset depends on: one of the user's own assets, or any asset on the national list named by its
    registry code (another operator's water or telecom asset), of which the user learns only the name and sector."""

    registry_code = forms.CharField(
        label=_("or: registry code of another operator's asset"),
        required=False,
        max_length=20,
        help_text=_("The code on the asset's page at its operator, e.g. CI-000123."),
    )

    class Meta:
        model = Dependency
        fields = ["depends_on", "registry_code", "kind", "note"]
        labels = {"depends_on": _("Depends on (fails -> this asset is affected)")}

    def __init__(self, *args, asset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.asset = asset
        self.fields["depends_on"].queryset = self.fields["depends_on"].queryset.exclude(pk=asset.pk).order_by("name")
        self.fields["depends_on"].required = False
        self.fields["depends_on"].empty_label = _("(one of your assets)")

    def clean(self):
        data = super().clean()
        chosen, code = data.get("depends_on"), (data.get("registry_code") or "").strip()
        if chosen and code:
            raise ValidationError(_("Choose one of your assets or give a registry code, not both."))
        if not chosen and not code:
            raise ValidationError(_("Choose the asset this one depends on, or give its registry code."))
        if code:
            pk = Asset.pk_from_registry_code(code)
            upstream = Asset.objects.filter(pk=pk).select_related("sector").first() if pk else None
            if upstream is None:
                self.add_error(
                    "registry_code", _("No asset on the national list has the code %(code)s.") % {"code": code}
                )
                return data
            data["depends_on"] = upstream
            self.instance.depends_on = upstream
        upstream = data.get("depends_on")
        if upstream is not None and upstream.pk == self.asset.pk:
            raise ValidationError(_("An asset cannot depend on itself."))
        kind = data.get("kind")
        if (
            upstream is not None
            and kind
            and Dependency.objects.filter(asset=self.asset, depends_on=upstream, kind=kind).exists()
        ):
            raise ValidationError(
                _("%(asset)s already depends on %(upstream)s for %(kind)s.")
                % {"asset": self.asset.name, "upstream": upstream.name, "kind": DependencyKind(kind).label}
            )
        return data


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
