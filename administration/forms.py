from django import forms
from django.utils.translation import gettext_lazy as _

from core.choices import RegionLevel, Role
from core.forms import ScopedModelForm
from core.models import Organisation, Region
from core.scope import get_scope

from .access import EXTRA_PERMISSIONS, Access
from .models import ADMINISTER_ACCOUNTS


class AccessFields(forms.Form):
    """Role, scope and extra permissions. Every role and region validates (the authority to give them is the
    action's to judge, with a 403 the person can read); a county account administrator is offered only what they
    may give."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"),
        queryset=Region.objects.select_related("parent"),
        to_field_name="code",
        required=False,
        help_text=_(
            "A county for a local government official, one township for a township clerk; none for "
            "nationwide roles and agencies."
        ),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        to_field_name="code",
        required=False,
    )
    permissions = forms.MultipleChoiceField(
        label=_("Extra permissions"),
        choices=[(k, v) for k, v in EXTRA_PERMISSIONS.items()],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is not None and not user.has_perm(ADMINISTER_ACCOUNTS):
            scope = get_scope(user)
            self.fields["role"].widget.choices = [(Role.TOWNSHIP_OFFICE.value, Role.TOWNSHIP_OFFICE.label)]
            self.fields["regions"].widget.choices = [
                (r.code, str(r))
                for r in Region.objects.filter(pk__in=scope.region_ids, level=RegionLevel.TOWNSHIP)
                .select_related("parent")
                .order_by("code")
            ]
            self.fields["regions"].widget.attrs["size"] = 1
            del self.fields["organisation"]
            del self.fields["permissions"]

    def access(self) -> Access:
        data = self.cleaned_data
        organisation = data.get("organisation")
        return Access.of(
            data["role"],
            [r.code for r in data.get("regions") or []],
            organisation.code if organisation else "",
            data.get("permissions") or [],
        )


class AccountCreateForm(AccessFields):
    username = forms.RegexField(
        label=_("Username"),
        max_length=150,
        regex=r"^[\w.@+-]+\Z",
        error_messages={"invalid": _("Letters, digits and @/./+/-/_ only.")},
    )
    full_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The link to set the password is sent here."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    field_order = ["username", "full_name", "email", "phone", "role", "regions", "organisation", "permissions", "note"]


class AccessChangeForm(AccessFields):
    pass


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OrganisationForm(ScopedModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "name_en", "code", "kind", "region", "parent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.select_related("parent")
        parents = self.fields["parent"].queryset.filter(is_active=True).order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if self.instance.pk and node.pk == self.instance.pk:
                raise forms.ValidationError(_("An organisation cannot be placed under itself."))
            seen.add(node.pk)
            node = node.parent
        return parent


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
