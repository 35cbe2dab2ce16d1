from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import RocDatesForm

from .choices import ReportLanguage
from .scope import scopes_for_user


class ReportRequestForm(RocDatesForm):
    """Ask for a new report of one of the user's scopes."""

    scope = forms.ChoiceField(label=_("Scope"))
    as_of = forms.DateField(label=_("As of"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    language = forms.ChoiceField(label=_("Language"), choices=ReportLanguage.choices, initial=ReportLanguage.ZH_HANT)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(s.key, s.label) for s in scopes_for_user(user)]
        self.fields["as_of"].initial = timezone.localdate()
