"""Requisition orders and their notices: draft from a requirement, submit, approve (four-eyes), conflicts,
issue; a notice with handover, return and exemption, and its PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import View

from core.actions import available
from core.scope import get_scoped_or_404
from core.views import ScopedDetailView, ScopedListView
from core.views.base import PortalPermissionMixin

from .. import checks, services
from ..filters import NoticeFilter, RequisitionFilter
from ..forms import ExemptForm, HandoverForm, NoteForm, RequisitionForm, ReturnForm
from ..models import Conflict, Requirement, Requisition, RequisitionNotice
from .base import StepView, run_action


class RequisitionListView(ScopedListView):
    model = Requisition
    permission_required = "materiel.view_requisition"
    filterset_class = RequisitionFilter
    template_name = "materiel/requisition_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("requirement__kind", "requirement__region").order_by("-id")


class RequisitionCreateView(PortalPermissionMixin, View):
    """POST from a requirement's page: a draft order of its confirmed allocations."""

    permission_required = "materiel.add_requisition"
    http_method_names = ["post"]

    def post(self, request, pk):
        requirement = get_scoped_or_404(Requirement.objects, request.user, pk=pk)
        form = RequisitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return HttpResponseRedirect(reverse("materiel:requirement-detail", args=[pk]))
        try:
            requisition = services.draft_requisition(user=request.user, requirement=requirement, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return HttpResponseRedirect(reverse("materiel:requirement-detail", args=[pk]))
        messages.success(request, _("Draft order %(number)s created.") % {"number": requisition.number})
        return HttpResponseRedirect(reverse("materiel:requisition-detail", args=[requisition.pk]))


class RequisitionDetailView(ScopedDetailView):
    model = Requisition
    permission_required = "materiel.view_requisition"
    template_name = "materiel/requisition_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("requirement__kind", "requirement__region", "drafted_by", "submitted_by", "approved_by")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requisition, user = self.object, self.request.user
        context["steps"] = {
            k: c for k, c in available(user, requisition, services.REQUISITION_ACTIONS).items() if c.allowed
        }
        refused = services.REQUISITION_ACTIONS["approve"].check_available(user, requisition)
        context["four_eyes"] = any(r.code == "four_eyes" for r in refused.refusals)
        context["allocations"] = requisition.allocations.filter(status="confirmed").select_related(
            "resource__kind", "resource__township__parent", "resource__owner_organisation"
        )
        conflicts = list(requisition.conflicts.select_related("resource__kind").order_by("status", "id"))
        context["conflicts"] = [(c, checks.resolution_hint(c)) for c in conflicts]
        context["can_decide_conflict"] = user.has_perm("materiel.decide_conflict")
        context["notices"] = requisition.notices.select_related("resource__kind").order_by("id")
        context["note_form"] = NoteForm()
        return context


class RequisitionStepView(StepView):
    model = Requisition
    actions = services.REQUISITION_ACTIONS

    def post(self, request, pk, step):
        if step == "issue":
            requisition = get_scoped_or_404(Requisition.objects, request.user, pk=pk)
            with transaction.atomic():
                checks.refresh(requisition)
        return super().post(request, pk, step)

    def success_url(self, obj):
        return reverse("materiel:requisition-detail", args=[obj.pk])


class ConflictAcceptView(PortalPermissionMixin, View):
    permission_required = "materiel.view_conflict"
    http_method_names = ["post"]

    def post(self, request, pk):
        conflict = get_scoped_or_404(Conflict.objects, request.user, pk=pk)
        run_action(request, services.CONFLICT_ACCEPT, conflict, _("Accepted."), note=request.POST.get("note", ""))
        return HttpResponseRedirect(reverse("materiel:requisition-detail", args=[conflict.requisition_id]))


class NoticeListView(ScopedListView):
    model = RequisitionNotice
    permission_required = "materiel.view_requisitionnotice"
    filterset_class = NoticeFilter
    template_name = "materiel/notice_list.html"

    def get_queryset(self):
        return super().get_queryset().select_related("resource__kind", "requisition").order_by("-id")


class NoticeDetailView(ScopedDetailView):
    model = RequisitionNotice
    permission_required = "materiel.view_requisitionnotice"
    template_name = "materiel/notice_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("requisition", "resource__kind", "resource__township__parent", "replaces")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        steps = {
            k: c for k, c in available(self.request.user, self.object, services.NOTICE_ACTIONS).items() if c.allowed
        }
        context["steps"] = steps
        context["handover_form"] = HandoverForm(prefix="handover") if "handover" in steps else None
        context["return_form"] = ReturnForm(prefix="return") if "return" in steps else None
        context["exempt_form"] = ExemptForm(prefix="exempt") if "exempt" in steps else None
        from ..pdf import verify_url

        context["verify_url"] = verify_url(self.object.verification_code)
        return context


class NoticeStepView(StepView):
    model = RequisitionNotice
    actions = services.NOTICE_ACTIONS
    forms = {"handover": HandoverForm, "return": ReturnForm, "exempt": ExemptForm}

    def params(self, request, step):
        form = self.forms[step](request.POST, prefix=step)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
            return None
        data = dict(form.cleaned_data)
        data["note"] = data.get("note", "")
        return data

    def success_url(self, obj):
        return reverse("materiel:notice-detail", args=[obj.pk])


class NoticePdfView(PortalPermissionMixin, View):
    permission_required = "materiel.view_requisitionnotice"

    def get(self, request, pk):
        notice = get_scoped_or_404(RequisitionNotice.objects, request.user, pk=pk)
        if notice.status == "exempted" and not request.user.has_perm("materiel.exempt_notice"):
            raise PermissionDenied
        from ..pdf import render_notice_pdf

        response = HttpResponse(render_notice_pdf(notice), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{notice.number}.pdf"'
        return response
