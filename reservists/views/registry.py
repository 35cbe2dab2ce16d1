"""The registry pages: the list (keyset-paginated, filtered), a person's page, the forms and the CSV export."""

from collections import namedtuple
from html import escape
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect, StreamingHttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import TemplateView, View

from core import csvexport, searchtokens
from core.audit import log_pii_export, log_pii_view
from core.choices import AuditAction
from core.counting import match_count
from core.memo import ProcessMemo
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
from ..filters import FULL_ID, ReservistFilter
from ..forms import ReservistForm
from ..models import PriorityGrant, Reservist, ResidenceMove, ServiceRecord
from ..signals import announce

# Other apps add sections to a reservist's page by shipping one of these templates (the mobilization app
# shows its call-up decisions); each gets `reservist` in its context. Missing templates are skipped.
DETAIL_SECTION_TEMPLATES = ["mobilization/_reservist_decisions.html", "civil_defense/_reservist_shelter.html"]


def filtered_reservists(request, params=None):
    """The user's reservists with the list's filters applied: (filterset, queryset). Without a filter in the query
    string the filterset is None (building one deep-copies its ten filters and their form for nothing).
    `params`: the filters (default: the query string with its search token resolved, core.searchtokens)."""
    params = searchtokens.resolve(request) if params is None else params
    queryset = Reservist.objects.for_user(request.user)
    if not any(name in params for name in ReservistFilter.base_filters):
        return None, queryset
    filterset = ReservistFilter(params, queryset=queryset, request=request)
    if filterset.is_bound and filterset.is_valid():
        queryset = filterset.qs
    return filterset, queryset


# Renderings of reference data (regions, choices, templates) for the process's life (core.memo).
_REFERENCE = ProcessMemo()


def _counties() -> list:
    return _REFERENCE.get(
        ("counties", get_language()),
        lambda: [(c.code, c.name) for c in Region.objects.counties()],
    )


def township_labels() -> dict:
    """Township id -> "新北市板橋區" in the active language, built once per process (no join per page)."""
    return _REFERENCE.get(
        ("township-labels", get_language()),
        lambda: {t.pk: str(t) for t in Region.objects.townships().select_related("parent")},
    )


FILTER_INPUTS = ("q", "county", "township", "specialty", "retired_years_min", "retired_years_max")


def _options(choices, selected: str) -> str:
    """<option>s (escaped once per language and kept) with `selected` on the chosen one."""
    return "".join(
        f'<option value="{escaped}" selected>{label}</option>' if value == selected else html
        for value, escaped, label, html in choices
    )


def _option_list(key: str, build) -> list:
    return _REFERENCE.get(
        (key, get_language()),
        lambda: [
            (
                str(value),
                escape(str(value)),
                escape(str(label)),
                f'<option value="{escape(str(value))}">{escape(str(label))}</option>',
            )
            for value, label in build()
        ],
    )


def filter_selects(get) -> dict:
    """The filter form's <select>s as HTML (county, then category, branch, status, has_grant), the query's choice
    marked selected: a template loop over ~40 options with a comparison each cost more than the table."""
    from django.utils.translation import gettext_lazy

    selects = [
        ("category", gettext_lazy("Category"), Category.choices),
        ("branch", gettext_lazy("Branch"), Branch.choices),
        ("status", gettext_lazy("Status"), ReservistStatus.choices),
        ("has_grant", gettext_lazy("Has a valid priority grant"), [("true", _("Yes")), ("false", _("No"))]),
    ]
    choices = "".join(
        f'<label>{escape(str(label))} <select name="{name}"><option value="">---</option>'
        f"{_options(_option_list(f'reservists:filter:{name}', lambda c=options: c), get.get(name, ''))}"
        "</select></label>"
        for name, label, options in selects
    )
    county = _options(_option_list("reservists:filter:county", _counties), get.get("county", ""))
    return {"county": mark_safe(county), "choices": mark_safe(choices)}  # noqa: S308 (escaped above)


def township_options(user, selected: str = "") -> str:
    """<option>s of the user's townships for the township picker (core.widgets: searchable, 新北市板橋區, in the
    official order), built once per language and scope, the chosen one marked selected."""
    scope = get_scope(user)

    def build():
        townships = Region.objects.townships().filter(is_postal_area=False).select_related("parent")
        if not scope.nation:
            townships = townships.filter(id__in=scope.region_ids)
        return [
            (t.code, escape(t.code), escape(str(t)), f'<option value="{escape(t.code)}">{escape(str(t))}</option>')
            for t in townships
        ]

    # The scope's own region ids in the key (not their hash: two scopes must never share a list).
    key = ("townships-options", get_language(), "nation" if scope.nation else scope.region_ids)
    return mark_safe(_options(_REFERENCE.get(key, build), selected))  # noqa: S308 (escaped in build)


# Filters whose values may identify a person: POSTed and kept behind a search token (core.searchtokens).
SEARCH_TERMS = ("q", "national_id")


# A list row: only the columns the page shows (no model instances: a page is 51 rows of 17 columns otherwise).
ListRow = namedtuple(
    "ListRow",
    ["pk", "national_id", "name", "category", "branch", "specialty", "retirement_date", "township_id", "status"],
)


def _choice_labels(choices) -> dict:
    """value -> label in the active language, per process (get_FOO_display hashes lazy labels on every row)."""
    return _REFERENCE.get(
        ("choices", choices.__module__, choices.__qualname__, get_language()),
        lambda: {k: escape(str(v)) for k, v in choices.choices},
    )


def list_rows_html(rows, list_url: str, shelter_url: str | None = None) -> str:
    """The list's <tr>s, built in Python: the same markup as a template loop, at a tenth of its cost (a template
    resolves ~900 variables and autoescapes ~700 values for a page of 50). Every value is escaped here."""
    from core.templatetags.portal import _english, dual_date_html

    if not rows:
        return f'<tr><td colspan="{9 if shelter_url else 8}">{escape(_("No reservists match."))}</td></tr>'
    category, branch, status = _choice_labels(Category), _choice_labels(Branch), _choice_labels(ReservistStatus)
    townships = township_labels()
    url, english = escape(list_url), _english()
    assign = escape(_("Assign to a shelter"))
    before, after = escape(shelter_url).rsplit("/0/", 1) if shelter_url else ("", "")
    out = []
    for r in rows:
        badge = "ok" if r.status == ReservistStatus.ACTIVE else "warn"
        retired = dual_date_html(r.retirement_date, english) if r.retirement_date else ""
        out.append(
            f'<tr><td><a href="{url}{r.pk}/">{escape(mask_national_id(r.national_id))}</a></td>'
            f"<td>{escape(r.name)}</td><td>{category.get(r.category, '')}</td><td>{branch.get(r.branch, '')}</td>"
            f"<td>{escape(r.specialty)}</td><td>{retired}</td>"
            f"<td>{escape(townships.get(r.township_id, ''))}</td>"
            f'<td><span class="badge {badge}">{status.get(r.status, "")}</span></td>'
            + (f'<td><a href="{before}/{r.pk}/{after}">{assign}</a></td>' if shelter_url else "")
            + "</tr>"
        )
    return "\n".join(out)


class ReservistListView(PortalPermissionMixin, KeysetListMixin, TemplateView):
    """No COUNT(*), no OFFSET: `?after=<id>` pages through a million rows at the cost of the first page."""

    permission_required = "reservists.view_reservist"
    template_name = "reservists/reservist_list.html"

    def post(self, request):
        """The filter form: the search box's terms (a national ID, a name) go into a search token, never into the
        URL; the other filters stay in the query string."""
        params = {
            name: request.POST[name]
            for name in ReservistFilter.base_filters
            if name not in SEARCH_TERMS and request.POST.get(name, "").strip()
        }
        terms = {name: request.POST[name].strip() for name in SEARCH_TERMS if request.POST.get(name, "").strip()}
        if terms:
            params[searchtokens.TOKEN_PARAM] = searchtokens.stash(request, terms)
        url = reverse("reservists:list")
        return HttpResponseRedirect(f"{url}?{urlencode(params)}" if params else url)

    def get(self, request, *args, **kwargs):
        try:
            self.params = searchtokens.resolve(request)
        except searchtokens.ExpiredSearch:
            messages.warning(request, _("The search has expired; please search again."))
            params = request.GET.copy()
            params.pop(searchtokens.TOKEN_PARAM, None)
            url = reverse("reservists:list")
            return HttpResponseRedirect(f"{url}?{params.urlencode()}" if params else url)
        response = super().get(request, *args, **kwargs)
        if response.context_data.get("filter_errors"):
            response.status_code = 400  # a refused filter (out of range, hidden digits): the form with its errors
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset, queryset = filtered_reservists(self.request, self.params)
        refused = filterset is not None and bool(filterset.form.errors)
        matched = None if refused else match_count(queryset)
        rows, next_after = self.paginate_keyset(
            queryset.values_list(*ListRow._fields[1:], "pk"), pk=lambda row: row[-1]
        )
        rows = [ListRow(row[-1], *row[:-1]) for row in rows]
        list_url = reverse("reservists:list")
        user = self.request.user
        # "Assign to a shelter" on each row for who may (civil defense, Art. 24): the URL with 0 for the id.
        can_shelter = user.has_perms(["civil_defense.add_shelterassignment", "civil_defense.view_shelter"])
        shelter_url = reverse("civil_defense:reservist-shelter", args=[0]) if can_shelter else None
        get = self.params
        context.update(
            filterset=filterset,
            filter_errors=list(filterset.form.errors.items()) if filterset is not None else [],
            filter_values={name: get.get(name, "") for name in FILTER_INPUTS},
            filter_selects=filter_selects(get),
            township_options=township_options(user, get.get("township", "")),
            list_url=list_url,
            reservists=rows,
            matched=matched,
            rows_html=mark_safe(list_rows_html(rows, list_url, shelter_url)),  # noqa: S308 (escaped)
            can_shelter=can_shelter,
            next_after=next_after,
            can_add=user.has_perm("reservists.add_reservist"),
            can_import=user.has_perm("reservists.add_reservist") or user.has_perm("reservists.add_servicerecord"),
        )
        return context


def _existing_templates(names) -> list[str]:
    """The section templates that exist (the set of installed apps is fixed: checked once per process)."""

    def build():
        found = []
        for name in names:
            try:
                get_template(name)
            except TemplateDoesNotExist:
                continue
            found.append(name)
        return found

    return _REFERENCE.get(("detail-sections", tuple(names)), build)


def related_rows(model, reservist_pk: int) -> list:
    """`model`'s rows of one reservist in its default order, by the SQL the ORM writes for
    `model.objects.filter(reservist_id=...)`, compiled once per process: building that query cost more CPU than
    running it, three times per reservist page (load test, issue 10)."""

    def build():
        sql, params = model._default_manager.filter(reservist_id=0).query.sql_with_params()
        if list(params) != [0]:
            raise ValueError(f"{model._meta.label}: expected the reservist id as the only parameter, got {params}")
        return sql

    sql = _REFERENCE.get(("related-rows-sql", model._meta.label), build)
    return list(model._default_manager.raw(sql, [reservist_pk]))


class ReservistDetailView(ScopedDetailView):
    model = Reservist
    permission_required = "reservists.view_reservist"
    template_name = "reservists/reservist_detail.html"
    context_object_name = "reservist"

    def get_queryset(self):
        # Townships are named from township_labels() (reference data), not joined with their counties per page.
        return super().get_queryset().select_related("reserve_unit")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        reservist, user = self.object, self.request.user
        full = can_see_full_id(user)
        if full:
            log_pii_view(user, reservist)
        labels = township_labels()
        moves = []
        if user.has_perm("reservists.view_residencemove"):
            moves = related_rows(ResidenceMove, reservist.pk)
            for move in moves:
                move.from_label = labels.get(move.from_township_id) or str(move.from_township)
                move.to_label = labels.get(move.to_township_id) or str(move.to_township)
        context.update(
            shown_national_id=reservist.national_id if full else reservist.masked_national_id,
            full_id=full,
            township_label=labels.get(reservist.township_id) or str(reservist.township),
            service_records=related_rows(ServiceRecord, reservist.pk)
            if user.has_perm("reservists.view_servicerecord")
            else [],
            # the page shows approved_by_name (kept on the grant), not the account
            grants=related_rows(PriorityGrant, reservist.pk) if user.has_perm("reservists.view_prioritygrant") else [],
            moves=moves,
            today=timezone.localdate(),
            # who changed the record and when (the audit log; full values stay in the audit pages)
            history=AuditEvent.objects.filter(table_name=Reservist._meta.db_table, object_id=reservist.pk)
            .exclude(action__in=[AuditAction.VIEW_PII])
            .only("created_at", "username", "action", "message")[:20]
            if user.has_perm("core.view_auditevent")
            else [],
            detail_sections=_existing_templates(DETAIL_SECTION_TEMPLATES),
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

    def save_form(self, form):
        before = Reservist.objects.filter(pk=form.instance.pk).values_list("status", "township_id").first()
        person = form.save()
        if (person.status, person.township_id) != before:
            # Deceased, emigrated, removed or moved by an edit: mobilization releases the notices that no longer bind.
            announce([person.pk], cause="registry", user=self.request.user)
        return person

    def get_success_url(self):
        return reverse("reservists:detail", args=[self.object.pk])


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


def filterset_summary(filterset) -> str:
    """The export's filters for its audit event, a searched national ID masked."""
    if filterset is None:
        return "-"
    data = {key: value for key, value in filterset.data.items() if value}
    for name in SEARCH_TERMS:
        if name in data:
            data[name] = mask_national_id(data[name]) if FULL_ID.fullmatch(data[name].upper()) else data[name]
    return urlencode(data) or "-"


class ReservistExportView(PortalPermissionMixin, View):
    """The filtered list as CSV, streamed from a server-side cursor, limited to the user's scope."""

    permission_required = "reservists.view_reservist"

    def get(self, request):
        try:
            filterset, queryset = filtered_reservists(request)
        except searchtokens.ExpiredSearch:
            return HttpResponseBadRequest(_("The search has expired; please search again."))
        if filterset is not None and not filterset.is_valid():
            # never the unfiltered registry for a filter that was refused
            errors = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in filterset.errors.items())
            return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
        full = can_see_full_id(request.user)
        if full:
            log_pii_export(
                request.user,
                Reservist,
                queryset.count(),
                _("CSV export of reservists, filters: %(query)s") % {"query": filterset_summary(filterset)},
            )
        rows = queryset.order_by("id").values_list(*EXPORT_FIELDS).iterator(chunk_size=5000)
        writer = csvexport.writer()
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
