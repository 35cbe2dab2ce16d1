from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ImportFileField, ScopedModelForm
from core.models import Region
from core.pii import normalise_national_id

from .models import PriorityGrant, Reservist, ServiceRecord
from .services import check_reservist_dates


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ReservistForm(ScopedModelForm):
    class Meta:
        model = Reservist
        fields = [
            "national_id",
            "name",
            "birth_date",
            "category",
            "branch",
            "rank",
            "specialty",
            "retirement_date",
            "township",
            "address",
            "phone",
            "email",
            "occupation",
            "employer",
            "reserve_unit",
            "status",
        ]
        widgets = {"birth_date": DateInput(), "retirement_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = self.fields["township"].queryset.select_related("parent")
        self.fields["reserve_unit"].queryset = self.fields["reserve_unit"].queryset.select_related("region")
        if self.instance.pk and "national_id" in self.fields:
            # The stored ID is not shown in full here: a change is typed in anew.
            self.fields["national_id"].required = False
            self.fields["national_id"].help_text = _("Leave empty to keep %(masked)s.") % {
                "masked": self.instance.masked_national_id
            }
            self.initial["national_id"] = ""

    def clean_national_id(self):
        value = normalise_national_id(self.cleaned_data.get("national_id"))
        if not value and self.instance.pk:
            return self.instance.national_id
        return value

    def clean(self):
        cleaned = super().clean()
        for field, message in check_reservist_dates(cleaned.get("birth_date"), cleaned.get("retirement_date")).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class ServiceRecordForm(ScopedModelForm):
    class Meta:
        model = ServiceRecord
        fields = ["mobilization_type", "start_date", "days", "reference"]
        widgets = {"start_date": DateInput()}

    def clean_start_date(self):
        value = self.cleaned_data["start_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("A served call-up cannot start in the future."))
        return value


class PriorityGrantForm(ScopedModelForm):
    class Meta:
        model = PriorityGrant
        fields = ["kind", "basis", "valid_from", "valid_until", "evidence"]
        widgets = {"valid_from": DateInput(), "valid_until": DateInput()}


class ResidenceMoveForm(forms.Form):
    to_township = forms.ModelChoiceField(
        label=_("to township"),
        queryset=Region.objects.townships().filter(is_postal_area=False).select_related("parent"),
    )
    new_address = forms.CharField(label=_("new address"), max_length=300, required=False)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea)


class MoveDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("decision comment"), required=False, widget=forms.Textarea)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[("reservists", _("Reservists")), ("service_records", _("Service records"))],
    )
    file = ImportFileField(label=_("CSV or XLSX file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return upload
