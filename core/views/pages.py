from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.shortcuts import get_object_or_404, render
from django.utils.text import capfirst
from django.views.generic import TemplateView

from core import authz, downloads
from core import events as events_registry
from core.api.views import visible_jobs
from core.audit import model_for_table, note_full_id_shown
from core.choices import AuditAction
from core.dashboard import collect_panels
from core.forms import AuditFilterForm
from core.memo import ProcessMemo
from core.models import AuditEvent, Region
from core.pii import can_see_full_id, mask_national_id
from core.scope import get_scope

from .base import KeysetListMixin, PortalPermissionMixin, ScopedListView

PII_KEYS = {"national_id"}


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


def field_label(model, key: str) -> str:
    """A recorded field's name in the reader's language (the key itself when the field is gone)."""
    if model is not None:
        try:
            return str(capfirst(model._meta.get_field(key).verbose_name))
        except FieldDoesNotExist:
            pass
    return key


class AuditListView(PortalPermissionMixin, KeysetListMixin, TemplateView):
    """The audit log for auditors and administrators, filterable by what happened (a named event), by the kind
    and number of record and by user."""

    permission_required = "core.view_auditevent"
    template_name = "core/audit_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = AuditFilterForm(self.request.GET or None)
        queryset = AuditEvent.objects.all()
        if form.is_valid():
            data = form.cleaned_data
            if data["event"]:
                queryset = queryset.filter(event=data["event"])
            if data["table"]:
                queryset = queryset.filter(table_name=data["table"])
            if data["object_id"] is not None:
                queryset = queryset.filter(object_id=data["object_id"])
            if data["username"]:
                queryset = queryset.filter(username=data["username"])
            if data["action"]:
                queryset = queryset.filter(action=data["action"])
            if data["date_from"]:
                queryset = queryset.filter(created_at__date__gte=data["date_from"])
            if data["date_to"]:
                queryset = queryset.filter(created_at__date__lte=data["date_to"])
        events, next_after = self.paginate_keyset(queryset)
        show_pii = can_see_full_id(self.request.user)
        rows = []
        for event in events:
            model = model_for_table(event.table_name)
            if show_pii and any(key in PII_KEYS for key, _old, _new in event.changes):
                # the full IDs of this event's record (or of the event itself) are on the page: logged
                note_full_id_shown(self.request, model(pk=event.object_id) if model and event.object_id else event)
            changes = [
                (
                    field_label(model, key),
                    old if show_pii or key not in PII_KEYS else mask_national_id(old),
                    new if show_pii or key not in PII_KEYS else mask_national_id(new),
                )
                for key, old, new in event.changes
                if key not in ("updated_at",)
            ]
            rows.append(
                {
                    "event": event,
                    # A named event reads as its label in the reader's language; a row change as its kind.
                    "what": events_registry.label(event.event) if event.event else event.get_action_display(),
                    "model": model._meta.verbose_name if model else event.table_name,
                    "changes": changes,
                }
            )
        context.update(form=form, rows=rows, next_after=next_after)
        return context


class PersonalDataAccessView(AuditListView):
    """Who viewed or exported which full national IDs, and when (auditors and administrators)."""

    template_name = "core/pii_access.html"

    def get_context_data(self, **kwargs):
        context = TemplateView.get_context_data(self, **kwargs)
        form = AuditFilterForm(self.request.GET or None)
        queryset = AuditEvent.objects.filter(action__in=[AuditAction.VIEW_PII, AuditAction.EXPORT_PII])
        if form.is_valid():
            data = form.cleaned_data
            if data["username"]:
                queryset = queryset.filter(username=data["username"])
            if data["date_from"]:
                queryset = queryset.filter(created_at__date__gte=data["date_from"])
            if data["date_to"]:
                queryset = queryset.filter(created_at__date__lte=data["date_to"])
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
