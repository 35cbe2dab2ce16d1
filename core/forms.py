from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose choice fields only offer objects within the user's scope."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_user"):
                field.queryset = queryset.for_user(user)


def record_kind_choices() -> list[tuple[str, str]]:
    """Every kind of record, by its name in the reader's language (the value stays the table name)."""
    from django.apps import apps

    kinds = {
        model._meta.db_table: f"{capfirst(model._meta.verbose_name)} ({model._meta.app_config.verbose_name})"
        for model in apps.get_models(include_auto_created=True)
    }
    return [("", "---")] + sorted(kinds.items(), key=lambda item: item[1])


class AuditFilterForm(forms.Form):
    """The audit log's filters in words: what happened (a named event), to which kind of record, by whom."""

    event = forms.ChoiceField(label=_("What happened"), required=False)
    username = forms.CharField(label=_("User (sign-in name)"), required=False)
    table = forms.ChoiceField(label=_("Kind of record"), required=False)
    object_id = forms.IntegerField(label=_("Record number"), required=False)
    action = forms.ChoiceField(label=_("Kind of change"), required=False, choices=[("", "---")] + AuditAction.choices)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    # Every write of one request (the link on each row); not a box of its own.
    request = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        from . import events

        super().__init__(*args, **kwargs)
        # Labels in the reader's language, at the time the page is drawn.
        self.fields["event"].choices = [("", "---")] + sorted(events.choices(), key=lambda choice: choice[1])
        self.fields["table"].choices = record_kind_choices()


def check_upload_size(upload) -> None:
    """Refuse an upload larger than PORTAL_UPLOAD_MAX_BYTES before anything reads it."""
    limit = settings.PORTAL_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is %(size).1f MB; uploads are limited to %(limit).1f MB. Split it into smaller files.")
            % {"size": upload.size / 1024 / 1024, "limit": limit / 1024 / 1024},
            code="too_large",
        )


def check_upload(upload) -> None:
    """An import's upload: not too large (check_upload_size), and CSV or XLSX."""
    check_upload_size(upload)
    if not upload.name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="extension")


class ImportFileField(forms.FileField):
    """A CSV or XLSX file for an import, refused when larger than PORTAL_UPLOAD_MAX_BYTES."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload)
        return upload
