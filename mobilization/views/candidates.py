"""Candidate review on the order page: exclude, include again or add a person, with the recorded reason."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from core.exceptions import TransitionRefused
from core.scope import get_scoped_or_404
from reservists.models import Reservist

from .. import services
from ..forms import CandidateChangeForm
from ..models import CallUpOrder, Candidate
from .common import raise_if_forbidden


def candidate_change(request, pk, name):
    """Exclude, re-include or add a person, with the recorded reason."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    order = get_scoped_or_404(CallUpOrder.objects, request.user, "mobilization.view_calluporder", pk=pk)
    form = CandidateChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reservist and the reason."))
        return HttpResponseRedirect(reverse("mobilization:order-detail", args=[pk]))
    reservist_id, reason = form.cleaned_data["reservist"], form.cleaned_data["reason"]
    try:
        if name == "add":
            reservist = get_scoped_or_404(Reservist.objects, request.user, pk=reservist_id)
            services.add_candidate(user=request.user, order=order, reservist=reservist, reason=reason)
        elif name in ("exclude", "include"):
            candidate = get_scoped_or_404(Candidate.objects, request.user, order=order, reservist_id=reservist_id)
            services.set_excluded(
                user=request.user, order=order, candidate=candidate, excluded=name == "exclude", reason=reason
            )
        else:
            raise PermissionDenied
    except TransitionRefused as exc:
        raise_if_forbidden(exc)
        messages.error(request, str(exc.message))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return HttpResponseRedirect(reverse("mobilization:order-detail", args=[pk]))
