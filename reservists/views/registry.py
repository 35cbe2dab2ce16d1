"""The registry pages: the list (keyset-paginated, filtered), a person's page, the forms and the CSV export."""

import csv

from django.http import StreamingHttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core.audit import log_pii_export, log_pii_view
from core.choices import AuditAction
from core.models import AuditEvent, Region
from core.pii import can_see_full_id, mask_national_id
from core.scope import get_scope
from core.views import (
    KeysetListMixin,
    PortalPermissionMixin,
    ScopedCreateView,
    ScopedDetailView,
    ScopedUpdateView,
)

from ..choices import Branch, Category, ReservistStatus
from ..filters import ReservistFilter
from ..forms import ReservistForm
from ..models import Reservist

# Other apps add sections to a reservist's page by shipping one of these templates (the mobilization app
# shows its call-up decisions); each gets `reservist` in its context. Missing templates are skipped.
DETAIL_SECTION_TEMPLATES = ["mobilization/_reservist_decisions.html"]


def filtered_reservists(request):
    """The user's reservists with the list's filters applied: (filterset, queryset)."""
    queryset = Reservist.objects.for_user(request.user)
    filterset = ReservistFilter(request.GET or None, queryset=queryset, request=request)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return filterset, queryset


# Regions are reference data shipped with the code: keep their rendered forms for the process's life.
_REFERENCE_CACHE: dict = {}


def _counties() -> list:
    key = f"counties:{get_language()}"
    if key not in _REFERENCE_CACHE:
        _REFERENCE_CACHE[key] = [(c.code, c.name) for c in Region.objects.counties().order_by("code")]
    return _REFERENCE_CACHE[key]


def township_labels() -> dict:
    """Township id -> "新北市板橋區" in the active language, built once per process (no join per page)."""
    key = f"township-labels:{get_language()}"
    if key not in _REFERENCE_CACHE:
        townships = Region.objects.townships().select_related("parent")
        _REFERENCE_CACHE[key] = {t.pk: str(t) for t in townships}
    return _REFERENCE_CACHE[key]


def filter_options() -> dict:
    from django.utils.translation import gettext_lazy

    return {
        "county": _counties(),
        "choices": [
            ("category", gettext_lazy("Category"), Category.choices),
            ("branch", gettext_lazy("Branch"), Branch.choices),
            ("status", gettext_lazy("Status"), ReservistStatus.choices),
            ("has_grant", gettext_lazy("Has a valid priority grant"), [("true", _("Yes")), ("false", _("No"))]),
        ],
    }


def township_datalist(user) -> str:
    """<option>s of the user's townships, built once per language and scope (the list never changes)."""
    scope = get_scope(user)
    key = f"reservists:townships:{get_language()}:{'nation' if scope.nation else hash(scope.region_ids)}"
    html = _REFERENCE_CACHE.get(key)
    if html is None:
        townships = Region.objects.townships().filter(is_postal_area=False).select_related("parent").order_by("code")
        if not scope.nation:
            townships = townships.filter(id__in=scope.region_ids)
        html = format_html_join("", '<option value="{}">{}</option>', ((t.code, str(t)) for t in townships))
        _REFERENCE_CACHE[key] = str(html)
    return mark_safe(html)


class ReservistListView(PortalPermissionMixin, KeysetListMixin, TemplateView):
    """No COUNT(*), no OFFSET: `?after=<id>` pages through a million rows at the cost of the first page."""

    permission_required = "reservists.view_reservist"
    template_name = "reservists/reservist_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, queryset = filtered_reservists(self.request)
        rows, next_after = self.paginate_keyset(queryset)
        user = self.request.user
        context.update(
            filterset=filterset,
            filter_options=filter_options(),
            township_datalist=township_datalist(user),
            # value -> label, resolved once per page instead of once per row (get_FOO_display hashes lazy labels)
            labels={
                "category": {k: str(v) for k, v in Category.choices},
                "branch": {k: str(v) for k, v in Branch.choices},
                "status": {k: str(v) for k, v in ReservistStatus.choices},
                "township": township_labels(),
            },
            list_url=reverse("reservists:list"),
            reservists=rows,
            next_after=next_after,
            can_add=user.has_perm("reservists.add_reservist"),
            can_import=user.has_perm("reservists.add_reservist") or user.has_perm("reservists.add_servicerecord"),
        )
        return context


class ReservistDetailView(ScopedDetailView):
    model = Reservist
    permission_required = "reservists.view_reservist"
    template_name = "reservists/reservist_detail.html"
    context_object_name = "reservist"

    def get_queryset(self):
        return super().get_queryset().select_related("township__parent", "reserve_unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reservist, user = self.object, self.request.user
        full = can_see_full_id(user)
        if full:
            log_pii_view(user, reservist)
        sections = []
        for name in DETAIL_SECTION_TEMPLATES:
            try:
                get_template(name)
            except TemplateDoesNotExist:
                continue
            sections.append(name)
        context.update(
            shown_national_id=reservist.national_id if full else reservist.masked_national_id,
            full_id=full,
            service_records=reservist.service_records.all() if user.has_perm("reservists.view_servicerecord") else [],
            grants=reservist.priority_grants.select_related("approved_by")
            if user.has_perm("reservists.view_prioritygrant")
            else [],
            moves=reservist.residence_moves.select_related("from_township__parent", "to_township__parent")
            if user.has_perm("reservists.view_residencemove")
            else [],
            today=timezone.localdate(),
            # who changed the record and when (the audit log; full values stay in the audit pages)
            history=AuditEvent.objects.filter(table_name=Reservist._meta.db_table, object_id=reservist.pk)
            .exclude(action__in=[AuditAction.VIEW_PII])
            .only("created_at", "username", "action", "message")[:20]
            if user.has_perm("core.view_auditevent")
            else [],
            detail_sections=sections,
            can_edit=user.has_perm("reservists.change_reservist"),
            can_add_service=user.has_perm("reservists.add_servicerecord"),
            can_add_grant=user.has_perm("reservists.add_prioritygrant"),
            can_move=user.has_perm("reservists.add_residencemove"),
        )
        return context


class ReservistCreateView(ScopedCreateView):
    model = Reservist
    form_class = ReservistForm
    permission_required = "reservists.add_reservist"
    template_name = "reservists/reservist_form.html"

    def get_success_url(self):
        return reverse("reservists:detail", args=[self.object.pk])


class ReservistUpdateView(ScopedUpdateView):
    model = Reservist
    form_class = ReservistForm
    permission_required = "reservists.change_reservist"
    template_name = "reservists/reservist_form.html"

    def get_success_url(self):
        return reverse("reservists:detail", args=[self.object.pk])


class _Echo:
    def write(self, value):
        return value


EXPORT_FIELDS = [
    "national_id",
    "name",
    "birth_date",
    "category",
    "branch",
    "rank",
    "specialty",
    "retirement_date",
    "township__code",
    "status",
    "address",
    "phone",
]


class ReservistExportView(PortalPermissionMixin, View):
    """The filtered list as CSV, streamed from a server-side cursor, limited to the user's scope."""

    permission_required = "reservists.view_reservist"

    def get(self, request):
        _filterset, queryset = filtered_reservists(request)
        full = can_see_full_id(request.user)
        if full:
            log_pii_export(
                request.user,
                Reservist,
                queryset.count(),
                _("CSV export of reservists, filters: %(query)s") % {"query": request.GET.urlencode() or "-"},
            )
        rows = queryset.order_by("id").values_list(*EXPORT_FIELDS).iterator(chunk_size=5000)
        writer = csv.writer(_Echo())
        header = [f.replace("__code", "") for f in EXPORT_FIELDS]

        def stream():
            yield "\ufeff" + writer.writerow(header)
            for row in rows:
                row = list(row)
                if not full:
                    row[0] = mask_national_id(row[0])
                yield writer.writerow(row)

        response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="reservists.csv"'
        return response
