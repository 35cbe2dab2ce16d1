"""Forms of the end-of-call-up pages. They only collect input; the actions decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import RocDateField  # 民國 or Gregorian input, both calendars shown (core)

from .choices import CaseStatus, CaseStep, ExemptionStatus, GapReason
from .models import ExemptionGround


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def ground_field():
    return forms.ModelChoiceField(
        label=_("Ground"), queryset=ExemptionGround.objects.filter(active=True), to_field_name="code"
    )


class ExemptForm(forms.Form):
    ground = forms.ModelChoiceField(label=_("Ground"), queryset=ExemptionGround.objects.none(), to_field_name="code")
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    replace = forms.BooleanField(
        label=_("Replace the person from the ranked reserve (遞補)"), required=False, initial=True
    )
    documents = MultipleFileField(label=_("Documents (PDF or image)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].queryset = ExemptionGround.objects.filter(active=True)


class ReleaseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[(c.value, c.label) for c in (GapReason.UNDELIVERABLE, GapReason.INELIGIBLE, GapReason.MOVED)],
    )
    note = forms.CharField(label=_("Note"), max_length=2000)
    replace = forms.BooleanField(
        label=_("Replace the person from the ranked reserve (遞補)"), required=False, initial=True
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class TownshipsMixin(forms.Form):
    townships = forms.MultipleChoiceField(label=_("Townships"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].choices = [(t.code, str(t)) for t in townships]
        self.regions = {t.code: t for t in townships}

    def chosen(self) -> list:
        return [self.regions[c] for c in self.cleaned_data.get("townships") or ()]


class AreaForm(TownshipsMixin):
    ground = forms.ModelChoiceField(label=_("Ground"), queryset=ExemptionGround.objects.none(), to_field_name="code")
    replace = forms.TypedChoiceField(
        label=_("Then"),
        choices=[("1", _("Replace from outside these townships")), ("0", _("Lower the quota"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["townships"].required = True
        self.fields["ground"].queryset = ExemptionGround.objects.filter(active=True)


class RecallForm(TownshipsMixin):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class CorrectionForm(TownshipsMixin):
    report_date = RocDateField(label=_("New report date"), required=False)
    report_time = forms.TimeField(
        label=_("New report time"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    assembly_point = forms.CharField(label=_("New assembly point"), max_length=300, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class StepForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=CaseStep.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ExemptionFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *ExemptionStatus.choices])
    township = forms.CharField(label=_("Township code"), required=False, max_length=20)
    order = forms.IntegerField(label=_("Order"), required=False, min_value=1)


class CaseFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *CaseStatus.choices])
    township = forms.CharField(label=_("Township code"), required=False, max_length=20)
    order = forms.IntegerField(label=_("Order"), required=False, min_value=1)
