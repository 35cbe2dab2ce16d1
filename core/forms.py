import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction
from .dates import format_roc, format_roc_input, parse_date_input


class RocDateInput(forms.TextInput):
    """A date typed in either calendar (core.dates.parse_date_input: 115/03/01, 115-03-01, 1150301, 民國115年3月1日,
    2026-03-01), shown as 民國 115/03/01 with both calendars spelled out beside it. The browser's own date picker
    is Gregorian-only and refuses 民國 years, so this is a text box; core/js/roc-date.js reads what is typed back
    in both calendars as it is typed."""

    template_name = "core/widgets/roc_date.html"

    def __init__(self, attrs=None):
        attrs = {key: value for key, value in (attrs or {}).items() if key != "type"}
        attrs.setdefault("placeholder", "115/03/01")
        attrs.setdefault("autocomplete", "off")
        attrs.setdefault("size", "12")
        attrs["data-roc-date"] = "1"
        super().__init__(attrs)

    def format_value(self, value):
        if isinstance(value, datetime.date):
            return format_roc_input(value)
        return super().format_value(value)

    def value_from_datadict(self, data, files, name):
        """What was typed, as an ISO date the DateField reads; left as typed when it is no date (the field then
        says so)."""
        value = super().value_from_datadict(data, files, name)
        if isinstance(value, str) and value.strip():
            try:
                return parse_date_input(value).isoformat()
            except ValueError:
                return value
        return value

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        day = value if isinstance(value, datetime.date) else None
        if day is None and isinstance(value, str) and value.strip():
            try:
                day = parse_date_input(value)
            except ValueError:
                day = None
        context["widget"]["both"] = f"{format_roc(day)} ({day.isoformat()})" if day else ""
        return context


def date_error(label) -> str:
    return _("%(field)s: enter a date as 115/03/01 (民國) or 2026-03-01.") % {"field": label}


class RocDateField(forms.DateField):
    """A date field that takes 民國 and Gregorian input (RocDateInput) and names itself in its error."""

    widget = RocDateInput

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            try:
                value = parse_date_input(value).isoformat()
            except ValueError:
                raise ValidationError(date_error(self.label or ""), code="invalid") from None
        return super().to_python(value)


def roc_dates(form) -> None:
    """Every date field of `form` (not date-times) takes 民國 input and shows both calendars: its widget becomes a
    RocDateInput (whatever the form declared) and its error names it in the reader's language."""
    for name, field in form.fields.items():
        if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
            if not isinstance(field.widget, RocDateInput):
                attrs = {k: v for k, v in field.widget.attrs.items() if k not in ("type", "min", "max")}
                field.widget = RocDateInput(attrs)
            label = field.label or capfirst(name.replace("_", " "))
            field.error_messages = {**field.error_messages, "invalid": date_error(label)}


class RocDatesMixin:
    """Forms whose date fields take 民國 input (roc_dates): every ScopedModelForm, and forms.Form via RocDatesForm."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        roc_dates(self)


class RocDatesForm(RocDatesMixin, forms.Form):
    pass


class ScopedModelForm(RocDatesMixin, forms.ModelForm):
    """A ModelForm whose choice fields only offer objects within the user's scope, its dates in both calendars."""

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "for_user"):
                field.queryset = queryset.for_user(user)
        from .widgets import region_pickers

        region_pickers(self)


# Audited tables of the libraries (accounts' grants and two-factor devices), named in the portal's words.
LIBRARY_KINDS = {
    "guardian_userobjectpermission": _("Per-record permission of an account"),
    "guardian_groupobjectpermission": _("Per-record permission of a group"),
    "otp_static_staticdevice": _("Two-factor backup codes"),
    "otp_static_statictoken": _("Two-factor backup code"),
    "otp_totp_totpdevice": _("Two-factor authenticator app"),
    "auth_group_permissions": _("Permissions of a group"),
    "auth_user_groups": _("Groups of an account"),
    "auth_user_user_permissions": _("Permissions of an account"),
}


def record_kind_label(model) -> str:
    """A model's name for a reader; a many-to-many link table reads as its owner's field ("Call-up order: regions")."""
    owner = model._meta.auto_created
    if owner:
        for field in owner._meta.local_many_to_many:
            if field.remote_field.through is model:
                return f"{capfirst(owner._meta.verbose_name)}：{field.verbose_name}"
    return str(capfirst(model._meta.verbose_name))


def record_kind_choices() -> list[tuple[str, str]]:
    """Every kind of record the audit log holds (core.audit.audited_tables), by its name in the reader's language;
    the value stays the table name. Libraries' own tables that are not audited (login attempts…) are not offered."""
    from django.apps import apps

    from .audit import audited_tables

    audited = set(audited_tables())
    kinds = {
        model._meta.db_table: f"{record_kind_label(model)} ({model._meta.app_config.verbose_name})"
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in audited and model._meta.db_table not in LIBRARY_KINDS
    }
    kinds.update({table: str(label) for table, label in LIBRARY_KINDS.items() if table in audited})
    return [("", "---")] + sorted(kinds.items(), key=lambda item: item[1])


class AuditFilterForm(RocDatesForm):
    """The audit log's filters in words: what happened (a named event), to which kind of record, by whom."""

    event = forms.ChoiceField(label=_("What happened"), required=False)
    username = forms.CharField(label=_("User (sign-in name)"), required=False)
    table = forms.ChoiceField(label=_("Kind of record"), required=False)
    object_id = forms.IntegerField(label=_("Record number"), required=False)
    action = forms.ChoiceField(label=_("Kind of change"), required=False, choices=[("", "---")] + AuditAction.choices)
    date_from = RocDateField(label=_("From"), required=False)
    date_to = RocDateField(label=_("To"), required=False)
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
