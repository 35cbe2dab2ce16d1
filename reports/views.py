"""Report pages: the list (with the request form), one report, its stamped download, the live dashboard."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.views import PortalPermissionMixin, ScopedDetailView, ScopedListView

from . import services
from .dashboard import live_figures
from .forms import ReportRequestForm
from .generate import context as report_context
from .generate import indicators, region_names
from .models import Report
from .sections import SECTIONS


class ReportListView(ScopedListView):
    model = Report
    permission_required = "reports.view_report"
    template_name = "reports/report_list.html"
    paginate_by = 50

    def get_queryset(self):
        return super().get_queryset().select_related("county", "organisation", "job").order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("reports.add_report"):
            context["form"] = ReportRequestForm(user=self.request.user)
        return context


class ReportRequestView(PortalPermissionMixin, View):
    permission_required = "reports.add_report"

    def post(self, request):
        form = ReportRequestForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                report = services.request_report(
                    user=request.user,
                    scope=form.cleaned_data["scope"],
                    as_of=form.cleaned_data["as_of"],
                    language=form.cleaned_data["language"],
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
                return redirect("reports:list")
            messages.success(request, _("The report is being generated."))
            return redirect("reports:detail", pk=report.pk)
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect("reports:list")


class ReportDetailView(ScopedDetailView):
    model = Report
    permission_required = "reports.view_report"
    template_name = "reports/report_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("county", "organisation", "job", "previous")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.is_ready:
            context.update(report_context(self.object))
        return context


class ReportPDFView(PortalPermissionMixin, View):
    """The stored report with this download's footer (who, when, verification code); logged."""

    permission_required = "reports.view_report"

    def get(self, request, pk):
        report = Report.objects.for_user(request.user).select_related("county", "organisation").filter(pk=pk).first()
        if report is None:
            raise Http404
        return pdf_response(services.download(user=request.user, report=report), report)


def pdf_response(pdf: bytes, report: Report) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"readiness-{report.scope_key.replace(':', '-')}-{report.as_of:%Y%m%d}-{report.pk}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


class DashboardView(PortalPermissionMixin, TemplateView):
    """The readiness indicators of the user's own scope, live (cached for a minute per scope)."""

    permission_required = "reports.view_report"
    template_name = "reports/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope, figures = live_figures(self.request.user)
        names = region_names(scope)
        sections = []
        for section in SECTIONS:
            data = figures["sections"].get(section.KEY) or {}
            sections.append(
                {
                    "title": section.TITLE,
                    "figures": data,
                    "indicators": section.indicators(data),
                    "charts": section.charts_for(data, scope, names) if data.get("available") else {},
                }
            )
        latest = Report.objects.for_user(self.request.user).ready().select_related("county", "organisation").first()
        context.update(
            scope_label=scope.label, summary=indicators(figures), sections=sections, figures=figures, latest=latest
        )
        return context


def english() -> bool:
    return (translation.get_language() or "").startswith("en")
