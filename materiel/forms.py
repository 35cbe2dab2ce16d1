import json

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RocDatesForm, ScopedModelForm
from core.models import Organisation, Region

from .choices import Condition
from .models import Kind, Requirement, Requisition, Resource


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"


class CapacityField(forms.CharField):
    """Capacity typed as `payload_t=12; seats=40` (or JSON); checked against the kind in the model's clean()."""

    def prepare_value(self, value):
        if isinstance(value, dict):
            return "; ".join(f"{k}={v}" for k, v in value.items())
        return value

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return {}
        if value.startswith("{"):
            try:
                return json.loads(value)
            except ValueError:
                raise forms.ValidationError(_("Write capacity as name=value pairs separated by semicolons.")) from None
        from .importing import parse_capacity

        return parse_capacity(value)


class ResourceForm(ScopedModelForm):
    capacity = CapacityField(
        label=_("Capacity"),
        required=False,
        help_text=_("name=value pairs separated by semicolons, e.g. payload_t=12; the kind's attributes are listed."),
    )

    class Meta:
        model = Resource
        fields = [
            "kind",
            "registration",
            "name",
            "owner_organisation",
            "owner_national_id",
            "owner_name",
            "driver_national_id",
            "township",
            "address",
            "latitude",
            "longitude",
            "capacity",
            "condition",
            "inspection_due_on",
            "insurance_due_on",
            "cip_asset",
            "is_active",
        ]
        widgets = {"inspection_due_on": DateInput, "insurance_due_on": DateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices are the user's own townships and organisations (scope re-checked after saving anyway).
        townships = Region.objects.townships().select_related("parent")
        self.fields["township"].queryset = townships.for_user(self.user)
        self.fields["owner_organisation"].queryset = Organisation.objects.for_user(self.user).order_by("name")
        self.fields["kind"].queryset = Kind.objects.order_by("sort_order")
        self.fields["kind"].help_text = "; ".join(
            f"{k.name}: {', '.join(a['name'] for a in k.attributes) or '-'}" for k in self.fields["kind"].queryset
        )
        if self.instance.pk and self.instance.owner_national_id:
            # The full ID is never sent back to the browser: leave it blank to keep it.
            self.initial["owner_national_id"] = ""
            self.initial["driver_national_id"] = ""
            self.fields["owner_national_id"].help_text = _("Leave blank to keep the recorded ID.")
        self.fields["owner_national_id"].required = False

    def clean(self):
        data = super().clean()
        if self.instance.pk:
            for name in ("owner_national_id", "driver_national_id"):
                if not data.get(name) and getattr(self.instance, name) and not data.get("owner_organisation"):
                    data[name] = getattr(self.instance, name)
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason or comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CycleForm(RocDatesForm):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput)
    closes_on = forms.DateField(label=_("Closes on"), widget=DateInput)

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("The survey closes before it opens."))
        return data


class RequirementForm(ScopedModelForm):
    class Meta:
        model = Requirement
        fields = [
            "title",
            "unit_name",
            "kind",
            "quantity",
            "starts_on",
            "ends_on",
            "region",
            "handover_point",
            "handover_latitude",
            "handover_longitude",
            "handover_at",
        ]
        widgets = {"starts_on": DateInput, "ends_on": DateInput, "handover_at": DateTimeInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(self.user).select_related("parent")
        self.fields["kind"].queryset = Kind.objects.order_by("sort_order")


class RequisitionForm(forms.ModelForm):
    class Meta:
        model = Requisition
        fields = ["title", "kind", "purpose", "legal_basis"]


class HandoverForm(forms.Form):
    condition = forms.ChoiceField(label=_("Condition"), choices=Condition.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReturnForm(HandoverForm):
    compensation_amount = forms.DecimalField(
        label=_("Compensation (NT$)"), min_value=0, decimal_places=0, required=False
    )
    damage_claim = forms.CharField(label=_("Damage claim"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ExemptForm(forms.Form):
    note = forms.CharField(label=_("Reason for exemption"), widget=forms.Textarea(attrs={"rows": 2}))
    replace = forms.BooleanField(label=_("Replace with the next nearest free resource"), required=False)
