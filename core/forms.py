from django import forms
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


class AuditFilterForm(forms.Form):
    table = forms.CharField(label=_("Table"), required=False)
    object_id = forms.IntegerField(label=_("Object id"), required=False)
    username = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", "---")] + AuditAction.choices)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
