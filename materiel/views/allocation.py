"""Requirements: the list with the shortfall by township and kind, new, and one requirement with its proposed
and confirmed resources, the steps match / confirm, and drafting a requisition order from it."""

from django.db.models import Count, Q
from django.urls import reverse

from core.actions import available
from core.views import ScopedCreateView, ScopedDetailView, ScopedListView

from .. import matching, services
from ..choices import HOLDING
from ..filters import RequirementFilter
from ..forms import RequirementForm, RequisitionForm
from ..models import Allocation, Requirement
from .base import StepView


class RequirementListView(ScopedListView):
    model = Requirement
    permission_required = "materiel.view_requirement"
    filterset_class = RequirementFilter
    template_name = "materiel/requirement_list.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("kind", "region__parent")
            .annotate(allocated_count=Count("allocations", filter=Q(allocations__status__in=HOLDING)))
            .order_by("-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["shortfall"] = [
            r for r in matching.shortfall(Requirement.objects.for_user(self.request.user)) if r["shortfall"]
        ]
        context["can_add"] = self.request.user.has_perm("materiel.add_requirement")
        return context


class RequirementCreateView(ScopedCreateView):
    model = Requirement
    form_class = RequirementForm
    permission_required = "materiel.add_requirement"
    template_name = "materiel/form.html"

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)

    def get_success_url(self):
        return reverse("materiel:requirement-detail", args=[self.object.pk])


class RequirementDetailView(ScopedDetailView):
    model = Requirement
    permission_required = "materiel.view_requirement"
    template_name = "materiel/requirement_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("kind", "region__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        requirement, user = self.object, self.request.user
        context["allocations"] = (
            Allocation.objects.filter(requirement=requirement, status__in=HOLDING)
            .select_related("resource__township__parent", "resource__owner_organisation", "requisition")
            .order_by("rank", "id")
        )
        context["summary"] = matching.match_summary(requirement)
        context["steps"] = {
            k: c for k, c in available(user, requirement, services.REQUIREMENT_ACTIONS).items() if c.allowed
        }
        context["can_draft"] = (
            user.has_perm("materiel.add_requisition")
            and requirement.allocations.filter(status="confirmed", requisition__isnull=True).exists()
        )
        context["requisition_form"] = (
            RequisitionForm(initial={"title": requirement.title}) if context["can_draft"] else None
        )
        context["requisitions"] = requirement.requisitions.order_by("-id")
        return context


class RequirementStepView(StepView):
    model = Requirement
    actions = services.REQUIREMENT_ACTIONS

    def success_url(self, obj):
        return reverse("materiel:requirement-detail", args=[obj.pk])
