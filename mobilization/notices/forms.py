"""Forms of the notice pages. Each one only collects input: the workflow functions in actions.py decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ImportFileField

from .choices import Attendance, NoticeStatus, PostponementKind

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
        initial="delivered",
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
    # No upper bound here: Art. 31 refuses more than three days with its reason, which the page shows.
    days = forms.IntegerField(label=_("Days asked for"), min_value=1, max_value=366)
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
