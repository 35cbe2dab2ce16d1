import datetime

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.generic import TemplateView

from core import auditlog, authz, downloads
from core.api.views import visible_jobs
from core.audit import model_for_table
from core.choices import AuditAction
from core.dashboard import collect_panels
from core.forms import AuditFilterForm
from core.memo import ProcessMemo
from core.models import AuditEvent, Region
from core.scope import get_scope

from .base import KeysetListMixin, PortalPermissionMixin, ScopedListView

# The counties of an account's area by core.authz.cache_key (which changes with any grant or region change).
_SCOPE_COUNTIES = ProcessMemo()


def scope_counties(user, scope) -> list:
    """The counties of the user's area (a query per home page otherwise; regions are reference data)."""
    if scope.nation:
        return []
    return _SCOPE_COUNTIES.get(
        authz.cache_key(user) or None, lambda: list(Region.objects.counties().filter(id__in=scope.region_ids))
    )


class DashboardView(PortalPermissionMixin, TemplateView):
    template_name = "core/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scope = get_scope(self.request.user)
        context["scope"] = scope
        context["scope_regions"] = scope_counties(self.request.user, scope)
        context["panels"] = collect_panels(self.request)
        return context


class RegionListView(ScopedListView):
    model = Region
    permission_required = "core.view_region"
    template_name = "core/region_list.html"
    paginate_by = 400

    def get_queryset(self):
        queryset = super().get_queryset().select_related("parent").order_by("parent__code", "code")
        level = self.request.GET.get("level")
        if level in ("county", "township"):
            queryset = queryset.filter(level=level)
        return queryset


class AuditListView(PortalPermissionMixin, KeysetListMixin, TemplateView):
    """The audit log for auditors and administrators, filterable by what happened (a named event), by person, by
    the kind and number of record and by date; each row in words (core.auditlog)."""

    permission_required = "core.view_auditevent"
    template_name = "core/audit_list.html"
    page_size = 25

    def filtered(self, form, queryset):
        if not form.is_valid():
            return queryset
        data = form.cleaned_data
        if data.get("event"):
            queryset = queryset.filter(event=data["event"])
        if data.get("table"):
            queryset = queryset.filter(table_name=data["table"])
        if data.get("object_id") is not None:
            queryset = queryset.filter(object_id=data["object_id"])
        if data.get("username"):
            queryset = queryset.filter(username=data["username"])
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("request"):
            queryset = queryset.filter(request_id=data["request"])
        # Whole local days, as a range on the indexed time (not a cast of every row to a date).
        if data.get("date_from"):
            queryset = queryset.filter(created_at__gte=local_midnight(data["date_from"]))
        if data.get("date_to"):
            queryset = queryset.filter(created_at__lt=local_midnight(data["date_to"] + datetime.timedelta(days=1)))
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        events, next_after = self.paginate_keyset(self.filtered(form, AuditEvent.objects.all()))
        context.update(form=form, rows=auditlog.present(events, self.request), next_after=next_after)
        return context


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PersonalDataAccessView(AuditListView):
    """Who viewed or exported which full national IDs, and when (auditors and administrators)."""

    template_name = "core/pii_access.html"

    def get_context_data(self, **kwargs):
        context = TemplateView.get_context_data(self, **kwargs)
        form = AuditFilterForm(self.request.GET or None)
        queryset = AuditEvent.objects.filter(action__in=[AuditAction.VIEW_PII, AuditAction.EXPORT_PII])
        queryset = self.filtered(form, queryset)
        events, next_after = self.paginate_keyset(queryset)
        rows = []
        for event in events:
            model = model_for_table(event.table_name)
            subject = None
            if model is not None and event.object_id is not None:
                subject = model._default_manager.filter(pk=event.object_id).first()
            rows.append(
                {"event": event, "model": model._meta.verbose_name if model else event.table_name, "subject": subject}
            )
        context.update(form=form, rows=rows, next_after=next_after)
        return context


@login_required
def job_detail(request, pk):
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    from core.jobs import describe

    return render(request, "core/job_detail.html", {"job": job, "about": describe(job, request.user)})


@login_required
def job_download(request, pk):
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    return downloads.serve(request, job.result_file)
