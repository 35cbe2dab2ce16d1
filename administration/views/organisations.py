"""Organisation pages: MND units, county governments, township offices, agencies and enterprises."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.actions import available
from core.models import Organisation
from core.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView

from ..access import access_map, role_label
from ..actions import DeactivateOrganisation, ReactivateOrganisation, save_organisation
from ..filters import OrganisationFilter
from ..forms import NoteForm, OrganisationForm
from ..models import Account
from .base import run

ORGANISATION_ACTIONS = {"deactivate": DeactivateOrganisation(), "reactivate": ReactivateOrganisation()}


class OrganisationListView(ScopedListView):
    model = Organisation
    permission_required = "core.view_organisation"
    filterset_class = OrganisationFilter
    template_name = "administration/organisation_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("region__parent", "parent").order_by("kind", "name", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm("core.add_organisation")
        return context


class OrganisationDetailView(ScopedDetailView):
    model = Organisation
    permission_required = "core.view_organisation"
    template_name = "administration/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return super().get_queryset().select_related("region__parent", "parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        org, user = self.object, self.request.user
        accounts = list(Account.objects.for_user(user).filter(profile__organisation=org).order_by("username")[:200])
        access = access_map([a.pk for a in accounts])
        context["accounts"] = [(a, role_label(access[a.pk].role)) for a in accounts]
        context["children"] = Organisation.objects.for_user(user).filter(parent=org).order_by("name")
        context["can_edit"] = user.has_perm("core.change_organisation")
        checks = available(user, org, ORGANISATION_ACTIONS)
        context["actions"] = [(n, ORGANISATION_ACTIONS[n], c) for n, c in checks.items() if c.allowed]
        context["note_form"] = NoteForm()
        return context


class OrganisationSaveMixin:
    form_class = OrganisationForm
    template_name = "administration/organisation_form.html"

    def form_valid(self, form):
        from django.contrib import messages

        self.object = save_organisation(self.request.user, form)
        messages.success(self.request, _("Saved."))
        return redirect(self.get_success_url())

    def get_success_url(self):
        return reverse("administration:organisation-detail", args=[self.object.pk])


class OrganisationCreateView(OrganisationSaveMixin, ScopedCreateView):
    model = Organisation
    permission_required = "core.add_organisation"


class OrganisationUpdateView(OrganisationSaveMixin, ScopedUpdateView):
    model = Organisation
    permission_required = "core.change_organisation"


def organisation_action(request, pk: int, action: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    step = ORGANISATION_ACTIONS.get(action)
    if step is None:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    org = Organisation.objects.for_user(request.user).filter(pk=pk).first()
    if org is None:
        raise Http404
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    done = {
        "deactivate": _("Organisation deactivated, with its accounts."),
        "reactivate": _("Organisation reactivated; reactivate its accounts one by one."),
    }[action]
    run(request, step, org, done, note=note)
    return redirect("administration:organisation-detail", pk=org.pk)
