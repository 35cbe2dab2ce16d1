"""Forms of the self-service pages (large fields, ROC or Gregorian birth dates)."""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import parse_roc

from .callup import PostponementKind

DATE_HELP = gettext_lazy("As on your national ID card: 1990-05-31, or in the ROC calendar 79/05/31.")


def parse_birth_date(value) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    text = str(value or "").strip()
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_roc(text)
    except ValueError:
        raise ValidationError(
            _("Enter the date as 1990-05-31, or in the ROC calendar as 79/05/31."), code="invalid"
        ) from None


class BirthDateField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Birth date"))
        kwargs.setdefault("help_text", DATE_HELP)
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "bday", "inputmode": "numeric", "placeholder": "79/05/31"})
        )
        super().__init__(**kwargs)

    def clean(self, value):
        return parse_birth_date(super().clean(value))


class IdSignInForm(forms.Form):
    national_id = forms.CharField(
        label=gettext_lazy("National ID number"),
        max_length=10,
        min_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    birth_date = BirthDateField()


class NoticeSignInForm(forms.Form):
    verification_code = forms.CharField(
        label=gettext_lazy("Verification code printed on your notice"),
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    birth_date = BirthDateField()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PostponeForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("Days"),
        min_value=1,
        help_text=gettext_lazy("Art. 31: at most 3 days."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    kind = forms.ChoiceField(label=gettext_lazy("Ground"), choices=PostponementKind.choices)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=gettext_lazy("New phone number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


class EmailForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("New e-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class AddressForm(forms.Form):
    delivery_address = forms.CharField(
        label=gettext_lazy("Delivery address for notices"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )


class ExemptForm(forms.Form):
    ground = forms.ChoiceField(label=gettext_lazy("Ground"), choices=())
    note = forms.CharField(
        label=gettext_lazy("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .services import grounds

        self.fields["ground"].choices = [(g.code, g.name) for g in grounds()]
