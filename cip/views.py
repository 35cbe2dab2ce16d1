"""Pages of the CI app: the registry, an asset with its dependencies, cascade and risk history, the risk
matrix, the county map, overdue assessments, protection plans and the sectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, UpdateView

from core.actions import allowed
from core.exceptions import TransitionRefused
from core.models import Region
from core.scope import get_scope, get_scoped_or_404
from core.views import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedParentMixin, ScopedUpdateView
from core.views.base import PortalPermissionMixin, save_in_scope, show_refusal

from . import metrics, services
from .actions import PLAN_ACTIONS
from .choices import RISK_BADGE, PlanStatus, RiskLevel
from .filters import AssetFilter
from .forms import (
    AssessmentForm,
    AssetForm,
    ContactForm,
    DecisionForm,
    DependencyForm,
    PlanForm,
    PlanUnitForm,
    SectorForm,
)
from .geo import render_asset_map, render_county_map
from .models import Asset, Dependency, ProtectionPlan, RiskMatrix, Sector

CASCADE_ROWS_SHOWN = 200
# The point map draws at most this many assets (the county tiles count them all).
MAP_POINTS = 3000


class AssetListView(ScopedListView):
    model = Asset
    permission_required = "cip.view_asset"
    filterset_class = AssetFilter
    template_name = "cip/asset_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("sector", "subsector", "operator", "township__parent")
            .order_by("level", "name", "id")
        )


class AssetDetailView(ScopedDetailView):
    model = Asset
    permission_required = "cip.view_asset"
    template_name = "cip/asset_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("sector", "subsector", "operator", "township__parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asset, user = self.object, self.request.user
        visible = Asset.objects.for_user(user)
        # Every upstream asset is listed (the operator recorded them, some by another operator's registry code);
        # of one outside the user's scope only its name, sector and code are shown, with no link.
        dependencies = list(
            Dependency.objects.filter(asset=asset)
            .select_related("depends_on__sector")
            .order_by("kind", "depends_on__name")
        )
        seen = set(visible.filter(pk__in=[d.depends_on_id for d in dependencies]).values_list("pk", flat=True))
        for dependency in dependencies:
            dependency.upstream_visible = dependency.depends_on_id in seen
        context["dependencies"] = dependencies
        context["dependents"] = (
            Dependency.objects.filter(depends_on=asset, asset__in=visible)
            .select_related("asset__sector")
            .order_by("kind", "asset__name")
        )
        context["cascade"] = services.cascade(asset, user)
        # A hub's cascade can reach thousands of assets: the page lists the nearest, the API gives all.
        context["cascade_rows"] = context["cascade"].affected[:CASCADE_ROWS_SHOWN]
        context["assessments"] = asset.assessments.select_related("matrix").order_by("-assessed_on", "-id")[:50]
        context["plans"] = asset.plans.order_by("-id")
        context["contacts"] = asset.contacts.all()
        context["risk_badge"] = RISK_BADGE.get(asset.risk_level, "")
        context["can_edit"] = user.has_perm("cip.change_asset")
        context["can_assess"] = user.has_perm("cip.add_riskassessment")
        context["can_plan"] = user.has_perm("cip.add_protectionplan")
        return context


class AssetCreateView(ScopedCreateView):
    model = Asset
    form_class = AssetForm
    permission_required = "cip.add_asset"
    template_name = "cip/form.html"

    def get_success_url(self):
        return reverse("cip:asset-detail", args=[self.object.pk])


class AssetUpdateView(ScopedUpdateView):
    model = Asset
    form_class = AssetForm
    permission_required = "cip.change_asset"
    template_name = "cip/form.html"

    def get_success_url(self):
        return reverse("cip:asset-detail", args=[self.object.pk])


class AssetChildMixin(ScopedParentMixin):
    """A page that adds something to one asset: the asset must be within the user's scope (else 404)."""

    template_name = "cip/form.html"
    parent_model = Asset  # self.asset and {{ asset }}

    def get_success_url(self):
        return reverse("cip:asset-detail", args=[self.asset.pk])

    def save_scoped(self, form, **attrs):
        def save(form):
            obj = form.save(commit=False)
            for key, value in attrs.items():
                setattr(obj, key, value)
            obj.full_clean()
            obj.save()
            return obj

        obj = save_in_scope(self.request.user, form, save)
        if obj is None:
            return None
        messages.success(self.request, _("Saved."))
        return obj


class ContactCreateView(AssetChildMixin, FormView):
    permission_required = "cip.add_assetcontact"
    form_class = ContactForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        if self.save_scoped(form, asset=self.asset) is None:
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())


class DependencyCreateView(AssetChildMixin, FormView):
    permission_required = "cip.add_dependency"
    form_class = DependencyForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "asset": self.asset}

    def form_valid(self, form):
        if self.save_scoped(form, asset=self.asset) is None:
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())


class AssessmentCreateView(AssetChildMixin, FormView):
    permission_required = "cip.add_riskassessment"
    form_class = AssessmentForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "matrix": RiskMatrix.active()}

    def form_valid(self, form):
        try:
            services.record_assessment(user=self.request.user, asset=self.asset, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Assessment recorded."))
        return HttpResponseRedirect(self.get_success_url())


class PlanCreateView(AssetChildMixin, FormView):
    permission_required = "cip.add_protectionplan"
    form_class = PlanForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        plan = self.save_scoped(form, asset=self.asset, requires_approval=self.asset.level == 1)
        if plan is None:
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("cip:plan-detail", args=[plan.pk]))


class PlanDetailView(ScopedDetailView):
    model = ProtectionPlan
    permission_required = "cip.view_protectionplan"
    template_name = "cip/plan_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("asset__sector", "submitted_by", "approved_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, user = self.object, self.request.user
        context["units"] = plan.units.select_related("organisation", "team")
        # The buttons are what the workflow's check() allows (the plan came from for_user already).
        offered = allowed(user, plan, PLAN_ACTIONS, known_in_scope=True)
        context["can_edit"] = plan.status == PlanStatus.DRAFT and user.has_perm("cip.change_protectionplan")
        context["can_submit"] = "submit" in offered
        context["can_approve"] = "approve" in offered
        context["can_return"] = "return" in offered
        context["can_decide"] = context["can_approve"] or context["can_return"]
        context["can_reopen"] = "reopen" in offered
        context["unit_form"] = PlanUnitForm(user=user) if context["can_edit"] else None
        context["decision_form"] = DecisionForm() if context["can_decide"] else None
        return context


class PlanUpdateView(ScopedUpdateView):
    model = ProtectionPlan
    form_class = PlanForm
    permission_required = "cip.change_protectionplan"
    template_name = "cip/form.html"

    def get_object(self, queryset=None):
        plan = super().get_object(queryset)
        if plan.status != PlanStatus.DRAFT:
            raise PermissionDenied(_("Only a draft plan can be edited; reopen it first."))
        return plan

    def get_success_url(self):
        return reverse("cip:plan-detail", args=[self.object.pk])


class PlanUnitCreateView(ScopedParentMixin, FormView):
    permission_required = "cip.add_planunit"
    form_class = PlanUnitForm
    template_name = "cip/form.html"
    parent_model = ProtectionPlan
    parent_context_name = "plan"

    def check_parent(self, parent):
        if parent.status != PlanStatus.DRAFT:
            raise PermissionDenied

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            with transaction.atomic():
                unit = form.save(commit=False)
                unit.plan = self.plan
                unit.full_clean()
                unit.save()
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        return HttpResponseRedirect(reverse("cip:plan-detail", args=[self.plan.pk]))


class PlanTransitionView(PortalPermissionMixin, TemplateView):
    """POST only: submit, approve, return or reopen a plan through the same services as the API."""

    permission_required = "cip.view_protectionplan"
    http_method_names = ["post"]
    ACTIONS = PLAN_ACTIONS

    def post(self, request, pk, action):
        if action not in self.ACTIONS:
            raise Http404
        plan = get_scoped_or_404(ProtectionPlan.objects, request.user, pk=pk)
        kwargs = {}
        if action in ("approve", "return"):
            form = DecisionForm(request.POST)
            form.is_valid()
            kwargs["note"] = form.cleaned_data.get("comment", "")
        try:
            self.ACTIONS[action].run(request.user, plan, **kwargs)
        except (TransitionRefused, ValidationError) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Plan updated."))
        return HttpResponseRedirect(reverse("cip:plan-detail", args=[plan.pk]))


class RiskMatrixView(PortalPermissionMixin, TemplateView):
    """How many assets fall in each likelihood x impact cell; each cell links to the filtered registry."""

    permission_required = "cip.view_asset"
    template_name = "cip/risk_matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        matrix = RiskMatrix.active()
        counts = metrics.risk_matrix_counts(self.request.user, matrix)
        list_url = reverse("cip:asset-list")
        context["matrix"] = matrix
        context["impacts"] = list(range(1, matrix.size + 1))
        context["rows"] = [
            (
                row[0][0],
                [
                    {
                        "likelihood": lk,
                        "impact": im,
                        "level": level,
                        "label": RiskLevel(level).label,
                        "count": counts.get((lk, im), 0),
                        "url": f"{list_url}?{urlencode({'likelihood': lk, 'impact': im})}",
                    }
                    for lk, im, level in row
                ],
            )
            for row in matrix.cells()
        ]
        context["total"] = sum(counts.values())
        levels = metrics.risk_level_counts(self.request.user)
        context["levels"] = [
            (level, label, levels.get(level, 0), f"{list_url}?{urlencode({'risk_level': level})}")
            for level, label in RiskLevel.choices
        ]
        context["unassessed"] = levels.get("", 0)
        return context


class MapView(PortalPermissionMixin, TemplateView):
    """Assets per county on the schematic county map (cip/geo.py)."""

    permission_required = "cip.view_asset"
    template_name = "cip/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = metrics.assets_by_county(self.request.user)
        # Counties of the user's area without assets show as zero; others stay "no data".
        scope = get_scope(self.request.user)
        if scope.nation or scope.region_ids:
            codes = Region.objects.counties().filter(id__in=scope.county_ids()).values_list("code", flat=True)
            counts = dict.fromkeys(codes, 0) | counts
        list_url = reverse("cip:asset-list")
        context["svg"] = mark_safe(  # noqa: S308 - render_county_map escapes every text it writes
            render_county_map(
                counts,
                title=_("Critical-infrastructure assets by county"),
                href=lambda code: f"{list_url}?{urlencode({'county': code})}",
            )
        )
        context["total"] = sum(counts.values())
        # The assets themselves at their coordinates (those of the user's scope only), nearest the most at risk.
        points = list(
            Asset.objects.for_user(self.request.user)
            .order_by("id")
            .values("id", "name", "latitude", "longitude", "risk_level")[:MAP_POINTS]
        )
        context["asset_svg"] = mark_safe(  # noqa: S308 - render_asset_map escapes every text it writes
            render_asset_map(
                points,
                title=_("Critical-infrastructure assets at their locations"),
                href=lambda pk: reverse("cip:asset-detail", args=[pk]),
            )
        )
        context["points_shown"] = len(points)
        return context


class PlansToReviewView(ScopedListView):
    """Protection plans in force whose review date has come: what an agency must renew (the home page links here)."""

    model = ProtectionPlan
    permission_required = "cip.view_asset"
    template_name = "cip/plans_to_review.html"
    paginate_by = 50

    def get_queryset(self):
        return metrics.plans_to_review(self.request.user)


class OverdueListView(ScopedListView):
    """Assets whose next risk assessment is past due (level 1 yearly, level 2 every 2 years, level 3 every 3)."""

    model = Asset
    permission_required = "cip.view_asset"
    template_name = "cip/overdue_list.html"
    paginate_by = 50

    def get_queryset(self):
        return metrics.overdue_assessments(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = timezone.localdate()
        return context


class SectorListView(ScopedListView):
    model = Sector
    permission_required = "cip.view_sector"
    template_name = "cip/sector_list.html"
    paginate_by = None

    def get_queryset(self):
        return super().get_queryset().prefetch_related("subsectors").order_by("sort_order", "code")


class SectorUpdateView(PortalPermissionMixin, UpdateView):
    """Reference data: only `mnd_admin` (cip.change_sector) edits names; codes are stable."""

    model = Sector
    form_class = SectorForm
    permission_required = "cip.change_sector"
    template_name = "cip/form.html"
    slug_field = "code"
    slug_url_kwarg = "code"

    def get_object(self, queryset=None):
        return get_object_or_404(Sector, code=self.kwargs["code"])

    def get_success_url(self):
        messages.success(self.request, _("Saved."))
        return reverse("cip:sector-list")
