from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import ImportFileField, ScopedModelForm
from core.pii import normalise_national_id

from .models import Certificate, Member, Shelter, Station, Team, TeamPosition, TrainingSession

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class TeamForm(ScopedModelForm):
    class Meta:
        model = Team
        fields = ["name", "kind", "parent", "county", "township", "organisation", "leader", "leader_phone", "notes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A township clerk has no county grant: the county follows from the township.
        self.fields["county"].required = False
        self.fields["county"].queryset = self.fields["county"].queryset.filter(level="county")
        self.fields["township"].queryset = (
            self.fields["township"].queryset.filter(level="township").select_related("parent")
        )
        self.fields["parent"].queryset = self.fields["parent"].queryset.select_related("county")

    def clean(self):
        data = super().clean()
        county, township = data.get("county"), data.get("township")
        if township is not None and county is None:
            data["county"] = township.parent
            self.instance.county = township.parent
        elif county is None and township is None and "county" not in self.errors:
            raise ValidationError({"county": _("Choose the county or the township of the team.")})
        return data


class PositionForm(ScopedModelForm):
    prefix = "establishment"

    class Meta:
        model = TeamPosition
        fields = ["position", "authorised"]


class MemberForm(ScopedModelForm):
    class Meta:
        model = Member
        fields = ["national_id", "name", "position", "phone", "email", "address", "skills", "availability", "notes"]

    def __init__(self, *args, team=None, **kwargs):
        super().__init__(*args, **kwargs)
        if team is not None:
            self.instance.team = team
        self.position_from_establishment()
        if self.instance.pk:
            # The full ID is not echoed into the page: changing it means typing a new one.
            self.fields["national_id"].required = False
            self.fields["national_id"].help_text = _("Leave empty to keep %(masked)s.") % {
                "masked": self.instance.masked_national_id
            }
            self.initial["national_id"] = ""

    def position_from_establishment(self):
        """The position is chosen from the team's establishment (編制), never typed: a variant spelling would
        count as a position of its own. A member's earlier position stays selectable until changed."""
        team = self.instance.team if self.instance.team_id else None
        names = list(team.positions.order_by("position").values_list("position", flat=True)) if team else []
        current = self.instance.position
        if current and current not in names:
            names.append(current)
        self.fields["position"] = forms.ChoiceField(
            label=pgettext_lazy("team post", "position"),
            required=False,
            choices=[("", _("(none)"))] + [(name, name) for name in names],
            help_text="" if names else _("Add the team's positions to its establishment first."),
        )

    def clean_national_id(self):
        value = normalise_national_id(self.cleaned_data.get("national_id"))
        if not value and self.instance.pk:
            return Member.objects.values_list("national_id", flat=True).get(pk=self.instance.pk)
        return value

    def clean(self):
        data = super().clean()
        national_id = data.get("national_id")
        if national_id and self.instance.team_id:
            duplicate = Member.objects.filter(team_id=self.instance.team_id, national_id=national_id)
            if duplicate.exclude(pk=self.instance.pk).exists():
                self.add_error("national_id", _("This person is already on this team's roster."))
        return data


class QuickMemberForm(MemberForm):
    """Adding a member in one line on the team page."""

    prefix = "member"

    class Meta(MemberForm.Meta):
        fields = ["national_id", "name", "position", "phone", "availability"]


class CertificateForm(ScopedModelForm):
    class Meta:
        model = Certificate
        fields = ["name", "number", "expires_on"]
        widgets = {"expires_on": DATE}


class ShelterForm(ScopedModelForm):
    class Meta:
        model = Shelter
        fields = [
            "name",
            "kind",
            "township",
            "address",
            "latitude",
            "longitude",
            "capacity",
            "manager",
            "manager_phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = (
            self.fields["township"].queryset.filter(level="township").select_related("parent")
        )


class StationForm(ScopedModelForm):
    class Meta:
        model = Station
        fields = ["kind", "name", "township", "address", "latitude", "longitude", "capacity", "teams"]
        widgets = {"teams": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = (
            self.fields["township"].queryset.filter(level="township").select_related("parent")
        )

    def clean(self):
        data = super().clean()
        township = data.get("township")
        for team in data.get("teams") or []:
            if township is not None and team.county_id != township.parent_id:
                self.add_error("teams", _("%(team)s is in another county.") % {"team": team.name})
        return data


class TrainingForm(ScopedModelForm):
    class Meta:
        model = TrainingSession
        fields = ["team", "date", "subject", "hours", "location"]
        widgets = {"date": DATE}


class AttendanceForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Attended"), queryset=Member.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, session=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = Member.objects.for_user(user).filter(team=session.team).order_by("name")


class AssignForm(forms.Form):
    """Who to assign: a reservist picked from a search of the user's area or from their own page, by record
    number, never a national ID (a county official only sees IDs masked: issue 18)."""

    reservist = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_reservist(self):
        from reservists.models import Reservist

        reservist = Reservist.objects.for_user(self.user).filter(pk=self.cleaned_data["reservist"]).first()
        if reservist is None:
            raise ValidationError(_("No such reservist in your area."), code="out_of_area")
        self.reservist = reservist
        return reservist.pk


class ReservistSearchForm(forms.Form):
    """Find the person to assign as clerks search the registry (reservists.filters: a name or part of it, the ID
    as shown masked, its last digits, a birth date)."""

    q = forms.CharField(
        label=_("Find a reservist"),
        max_length=100,
        help_text=_(
            "A name or part of it (the given name alone too), the ID as shown (A12****789), its last digits, "
            "or a birth date (79/05/31)."
        ),
    )


class ReleaseRequestForm(forms.Form):
    target_shelter = forms.ModelChoiceField(
        label=_("Move to shelter"),
        queryset=Shelter.objects.none(),
        required=False,
        help_text=_("Leave empty to release the reservist from shelter assignment."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=500)

    def __init__(self, *args, user=None, exclude=None, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Shelter.objects.for_user(user)
        if exclude is not None:
            queryset = queryset.exclude(pk=exclude.pk)
        self.fields["target_shelter"].queryset = queryset


class DecisionForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)


class ImportForm(forms.Form):
    file = ImportFileField(label=_("Roster file (CSV or XLSX)"))
