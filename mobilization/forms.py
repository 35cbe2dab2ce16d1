from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ImportFileField, RocDateField, RocDatesMixin, ScopedModelForm
from core.models import Region
from reservists.choices import Branch, Category

from .choices import (
    POSTPONEMENT_MAX_DAYS,
    Attendance,
    CaseStatus,
    CaseStep,
    ExemptionStatus,
    GapReason,
    NoticeStatus,
    PostponementKind,
)
from .models import CallUpOrder, ExemptionGround, RulePolicy
from .services.policy import POLICY_FIELDS


class OrderForm(ScopedModelForm):
    target_regions = forms.ModelMultipleChoiceField(
        label=_("Target regions"),
        queryset=Region.objects.select_related("parent"),
        required=False,
        help_text=_("Counties cover all their townships; leave empty for nationwide."),
    )
    target_branches = forms.MultipleChoiceField(
        label=_("Target branches"), choices=Branch.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_categories = forms.MultipleChoiceField(
        label=_("Target categories"), choices=Category.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    target_specialties = forms.CharField(
        label=_("Target specialties"), required=False, help_text=_("MOS codes separated by commas; empty for all.")
    )

    class Meta:
        model = CallUpOrder
        fields = [
            "mobilization_type",
            "title",
            "legal_basis",
            "order_reference",
            "report_date",
            "days",
            "wartime",
            "quota",
            "target_regions",
            "target_branches",
            "target_categories",
            "target_specialties",
            "override_window_years",
            "override_max_times",
            "override_max_days",
            "override_justification",
            "programme_line",
            "programme_override",
        ]
        widgets = {
            "report_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "override_justification": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusals = []
        from .services.policy import today

        self.fields["report_date"].widget.attrs["min"] = today().isoformat()
        if self.instance.pk:
            self.initial["target_specialties"] = ", ".join(self.instance.target_specialties or [])
        from .choices import ProgrammeStatus

        self.fields["programme_line"].queryset = (
            self.fields["programme_line"]
            .queryset.filter(programme__status=ProgrammeStatus.APPROVED)
            .select_related("programme")
            .order_by("-programme__year", "period", "key")
        )
        self.fields["programme_line"].label_from_instance = lambda line: (
            _("%(year)s %(key)s · %(type)s · %(period)s · %(number)s people")
            % {
                "year": line.programme.year,
                "key": line.key,
                "type": line.get_mobilization_type_display(),
                "period": line.period,
                "number": f"{line.number:,}",
            }
        )

    def clean_target_specialties(self):
        raw = self.cleaned_data.get("target_specialties") or ""
        return [s.strip() for s in raw.replace("，", ",").split(",") if s.strip()]

    def clean(self):
        cleaned = super().clean()
        from core.scope import get_scope

        if self.user is not None and not get_scope(self.user).nation and not cleaned.get("target_regions"):
            self.add_error("target_regions", _("Choose the regions of your area to call up from."))
        from .services.programme import facts_for, order_refusals

        if not self.errors:
            # The law's refusals (policy in force, Art. 25-28, the annual programme): beside their field, and
            # all of them, with their articles, in the banner at the top of the page (self.refusals).
            self.refusals = order_refusals(facts_for(self.instance, cleaned))
            for refusal in self.refusals:
                field = refusal.field if refusal.field in self.fields else None
                self.add_error(field, f"{refusal.message}")
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    """The reason for an irreversible step (cancel, reject): required, recorded as the audit event's note."""

    reason = forms.CharField(
        label=_("Reason (required; recorded in the audit log)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )


class CandidateChangeForm(forms.Form):
    reservist = forms.IntegerField(label=_("Reservist id"))
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PolicyForm(RocDatesMixin, forms.ModelForm):
    class Meta:
        model = RulePolicy
        fields = ["effective_from", *POLICY_FIELDS, "note"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}), "note": forms.Textarea(attrs={"rows": 2})}

    # Art. 32's rotation-leave rules: left empty, a new version keeps the values in force (or the defaults).
    LEAVE_FIELDS = ("leave_max_share", "leave_max_days", "leave_min_days_served")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.LEAVE_FIELDS:
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        latest = RulePolicy.objects.order_by("-version").first()
        for name in self.LEAVE_FIELDS:
            if cleaned.get(name) in (None, ""):
                cleaned[name] = getattr(latest, name) if latest else RulePolicy._meta.get_field(name).default
        return cleaned


# ----- notices ------------------------------------------------------------------------------------


NOTE = forms.Textarea(attrs={"rows": 2})


class NoticeFilterForm(forms.Form):
    """The order's notices: township (code), status, attendance ("none": not recorded yet)."""

    township = forms.CharField(label=_("Township"), required=False, max_length=10)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "---"), *NoticeStatus.choices])
    attendance = forms.ChoiceField(
        label=_("Attendance"),
        required=False,
        choices=[("", "---"), *Attendance.choices, ("none", _("Not recorded"))],
    )

    def __init__(self, *args, townships=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.townships = {t.code: t for t in townships or []}

    def clean_township(self):
        code = self.cleaned_data["township"].strip()
        if code and self.townships and code not in self.townships:
            raise ValidationError(_("This order has no notices of your area in the township %(c)s.") % {"c": code})
        return code


class IdListField(forms.Field):
    """Several values of one name (checkboxes) as a list of ids."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise ValidationError(_("Choose notices from the list.")) from None


class BulkDeliverForm(forms.Form):
    notice = IdListField(label=_("Notices"), required=False)
    township = forms.CharField(label=_("Township"), required=False, max_length=10)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def clean(self):
        data = super().clean()
        if not data.get("notice") and not data.get("township"):
            raise ValidationError(_("Tick the notices delivered, or choose the township delivered."))
        return data


class DeliverForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("delivered", NoticeStatus.DELIVERED.label), ("undeliverable", NoticeStatus.UNDELIVERABLE.label)],
        widget=forms.RadioSelect,
        # Nothing preselected: the clerk says what happened.
    )
    note = forms.CharField(
        label=_("Note or reason"),
        required=False,
        max_length=1000,
        widget=NOTE,
        help_text=_("Required when the notice could not be delivered: say why (moved, no one at the address…)."),
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == "undeliverable" and not (data.get("note") or "").strip():
            self.add_error("note", _("Say why the notice could not be delivered."))
        return data


class AcknowledgeForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=NOTE)


class AttendanceForm(forms.Form):
    attended = forms.ChoiceField(label=_("Report day"), choices=Attendance.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=NOTE)


class PostponementForm(forms.Form):
    # The browser stops more than three days (Art. 31) at the field; the server's Art. 31 refusal, with its
    # reason beside the field and in the banner, covers a request sent another way.
    days = forms.IntegerField(
        label=_("Days asked for"),
        min_value=1,
        widget=forms.NumberInput(attrs={"max": POSTPONEMENT_MAX_DAYS}),
        help_text=_("Art. 31: at most three days."),
    )
    kind = forms.ChoiceField(label=_("Ground (Art. 31)"), choices=PostponementKind.choices)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=NOTE)


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000, widget=NOTE)


class AttendanceUploadForm(forms.Form):
    file = ImportFileField(label=_("Attendance file (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        return upload


# ----- the end of the call-up: exemption, release, disaster area, recall, correction, no-show cases -----


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
