"""Powerful grants waiting for a second administrator."""

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import ListView

from core.views import PortalPermissionMixin

from ..access import Names, reason_labels, role_label
from ..actions import ApproveGrant, RejectGrant, grant_access
from ..choices import GrantStatus
from ..forms import NoteForm
from ..models import PendingGrant
from .base import run


class GrantListView(PortalPermissionMixin, ListView):
    model = PendingGrant
    permission_required = "administration.view_pendinggrant"
    template_name = "administration/grant_list.html"
    paginate_by = 50

    def get_queryset(self):
        status = self.request.GET.get("status") or GrantStatus.PENDING
        if status not in GrantStatus.values:
            status = GrantStatus.PENDING
        self.status = status
        return (
            PendingGrant.objects.for_user(self.request.user)
            .filter(status=status)
            .select_related("user", "organisation")
            .order_by("-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        grants = list(context["object_list"])
        names = Names([grant_access(g) for g in grants])
        user = self.request.user
        context["rows"] = [
            {
                "grant": g,
                "role": role_label(g.role),
                "scope": names.scope(grant_access(g)),
                "reasons": reason_labels(g.reasons),
                "can_approve": ApproveGrant().check(user, g).allowed,
                "approve_refusal": ApproveGrant().check(user, g).message,
                "can_reject": RejectGrant().check(user, g).allowed,
            }
            for g in grants
        ]
        context["status"] = self.status
        context["statuses"] = GrantStatus.choices
        context["note_form"] = NoteForm()
        return context


def grant_decision(request, pk: int, decision: str):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    actions = {
        "approve": (ApproveGrant(), _("Grant approved; it is in effect.")),
        "reject": (RejectGrant(), _("Grant rejected.")),
    }
    if decision not in actions:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    grant = PendingGrant.objects.for_user(request.user).filter(pk=pk).first()
    if grant is None:
        raise Http404
    form = NoteForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    action, done = actions[decision]
    run(request, action, grant, done, note=note)
    return redirect("administration:grant-list")
