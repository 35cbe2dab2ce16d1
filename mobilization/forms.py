from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ScopedModelForm
from core.models import Region
from reservists.choices import Branch, Category

from .models import CallUpOrder, RulePolicy
from .services import POLICY_FIELDS


class OrderForm(ScopedModelForm):
    target_regions = forms.ModelMultipleChoiceField(
        label=_("Target regions"),
        queryset=Region.objects.select_related("parent").order_by("code"),
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
        if self.instance.pk:
            self.initial["target_specialties"] = ", ".join(self.instance.target_specialties or [])
        from .programme.choices import ProgrammeStatus

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
        from .programme.services import facts_for, order_refusals

        if not self.errors:
            for refusal in order_refusals(facts_for(self.instance, cleaned)):
                field = refusal.field if refusal.field in self.fields else None
                self.add_error(field, f"{refusal.message}")
        return cleaned


class CommentForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CandidateChangeForm(forms.Form):
    reservist = forms.IntegerField(label=_("Reservist id"))
    reason = forms.CharField(label=_("Reason"), max_length=500)


class PolicyForm(forms.ModelForm):
    class Meta:
        model = RulePolicy
        fields = ["effective_from", *POLICY_FIELDS, "note"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}), "note": forms.Textarea(attrs={"rows": 2})}
