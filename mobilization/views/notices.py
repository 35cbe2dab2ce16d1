"""Pages of notices (the order's notices, one notice, township batches, report day, follow-up lists).

Every write calls a workflow function (issuing.start, actions.*, actions_bulk.*): the pages only collect input
and show the outcome. A refusal (TransitionRefused) is shown in the form it came from, with its articles.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, Count, Q, Value, When
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext
from django.views import View
from django.views.generic import TemplateView

from core import csvexport, downloads
from core.actions import available
from core.events import record
from core.exceptions import TransitionRefused
from core.importing import template_response
from core.models import Region
from core.pii import mask_name
from core.scope import get_scoped_or_404
from core.views import PortalPermissionMixin, ScopedListView, ScopedParentMixin
from core.views.importing import ScopedImportView

from .. import events
from ..choices import Attendance, BatchStatus, NoticeStatus, PostponementKind, PostponementStatus
from ..filters import filter_notices
from ..forms import (
    AcknowledgeForm,
    AttendanceForm,
    AttendanceUploadForm,
    BulkDeliverForm,
    DecisionForm,
    DeliverForm,
    NoticeFilterForm,
    PostponementForm,
)
from ..models import CallUpOrder, Notice, NoticeBatch, Postponement
from ..services import notices as actions
from ..services.attendance_import import AttendanceImport
from .common import refusal_of, refusal_text, safe_next

PAGE = 50
NO_SHOW_PAGE = 200
VIEW_NOTICES = ["mobilization.view_calluporder", "mobilization.view_notice"]


class OrderPageMixin(ScopedParentMixin):
    """A page of one order's notices: the order must be in the user's area (else 404)."""

    permission_required = VIEW_NOTICES
    model = CallUpOrder  # the URL's pk is the order's (the scope walk in tests/ checks every such page)
    parent_model = CallUpOrder
    parent_context_name = "order"

    def get_order(self) -> CallUpOrder:
        return self.get_parent()

    def notices(self):
        return Notice.objects.for_user(self.request.user).filter(order=self.get_order())

    def order_townships(self):
        """The townships of the user's area that have notices in this order (from its print batches)."""
        batches = NoticeBatch.objects.for_user(self.request.user).filter(order=self.get_order())
        return list(
            Region.objects.filter(pk__in=batches.values("township_id")).select_related("parent").order_by("code")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["order"] = self.get_order()
        context["order_live"] = self.get_order().status in actions.LIVE_ORDER
        return context


# ----- the order's notices -------------------------------------------------------------------------


class OrderNoticeListView(OrderPageMixin, TemplateView):
    """Keyset pages in call order (with a township: in delivery order, as the printed batch), no COUNT(*)."""

    template_name = "mobilization/notices/notice_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        townships = self.order_townships()
        form = NoticeFilterForm(self.request.GET or None, townships=townships)
        queryset = self.notices().select_related("reservist", "township__parent")
        params = form.cleaned_data if form.is_valid() else {}
        queryset = filter_notices(queryset, {k: v for k, v in params.items() if v})
        key = "delivery_seq" if params.get("township") else "sequence"
        after = self.request.GET.get("after")
        if after and after.isdigit():
            queryset = queryset.filter(**{f"{key}__gt": int(after)})
        rows = list(queryset.order_by(key)[: PAGE + 1])
        next_after = getattr(rows[PAGE - 1], key) if len(rows) > PAGE else None
        user = self.request.user
        context.update(
            form=form,
            townships=townships,
            notices=rows[:PAGE],
            next_after=next_after,
            statuses=NoticeStatus.choices,
            attendances=[*Attendance.choices, ("none", _("Not recorded"))],
            can_deliver=context["order_live"] and user.has_perm(actions.DELIVER.permission),
        )
        return context


class BulkDeliverView(OrderPageMixin, View):
    """POST: the ticked notices, or every open notice of a township, recorded as delivered by hand."""

    permission_required = [*VIEW_NOTICES, "mobilization.deliver_notice"]
    http_method_names = ["post"]

    def post(self, request, pk):
        order = self.get_order()
        back = safe_next(request, reverse("mobilization:order-notices", args=[pk]))
        form = BulkDeliverForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors.get("__all__", []) or [_("Check the form.")]))
            return HttpResponseRedirect(back)
        queryset = self.notices()
        if form.cleaned_data["notice"]:
            queryset = queryset.filter(pk__in=form.cleaned_data["notice"])
        if form.cleaned_data["township"]:
            region = Region.objects.filter(code=form.cleaned_data["township"], level="township").first()
            if region is None:
                raise Http404
            queryset = queryset.filter(township=region)
        try:
            count = actions.deliver_many(
                user=request.user, order=order, notices=queryset, note=form.cleaned_data["note"]
            )
        except TransitionRefused as exc:
            messages.error(request, refusal_text(exc))
            return HttpResponseRedirect(back)
        if count:
            messages.success(request, _("%(n)s notices recorded as delivered.") % {"n": count})
        else:
            messages.warning(request, _("None of these notices could still be recorded as delivered."))
        return HttpResponseRedirect(back)


# ----- one notice ----------------------------------------------------------------------------------

EVENT_LABELS = {
    "postponement.requested": PostponementStatus.REQUESTED.label,
    "postponement.approved": PostponementStatus.APPROVED.label,
    "postponement.refused": PostponementStatus.REFUSED.label,
    "attendance.present": Attendance.PRESENT.label,
    "attendance.absent": Attendance.ABSENT.label,
}


# Steps of the call-up's end (exemption, replacement, recall and correction, release), in words.
LIFECYCLE_EVENT_LABELS = {
    "exemption.requested": _lazy("Exemption requested"),
    "exemption.refused": _lazy("Exemption refused"),
    "exempted.area": _lazy("Exempted with its area (disaster)"),
    "replacement": _lazy("Issued as a replacement"),
    "corrected": _lazy("Corrected: new revision"),
    "attendance.unknown": _lazy("Report day: marked unknown"),
}


def event_label(code: str) -> str:
    if code in NoticeStatus.values:
        return str(NoticeStatus(code).label)
    if code in EVENT_LABELS:
        prefix = _("Postponement") if code.startswith("postponement.") else _("Report day")
        return f"{prefix}: {EVENT_LABELS[code]}"
    if code in LIFECYCLE_EVENT_LABELS:
        return str(LIFECYCLE_EVENT_LABELS[code])
    if code.startswith("released."):
        return _("Released: no longer eligible")
    return code


def history(notice: Notice) -> list[dict]:
    """Issued first (when the row was written), then every recorded step in time order."""
    rows = [{"at": notice.created_at, "event": event_label("issued"), "code": "issued", "note": "", "user": ""}]
    for event in notice.events.all():
        rows.append(
            {
                "at": event.at,
                "event": event_label(event.event),
                "code": event.event,
                "note": event.note,
                "user": event.user_name,
                "channel": event.get_channel_display() if event.channel else "",
            }
        )
    return rows


NOTICE_FORMS = {
    "deliver": DeliverForm,
    "acknowledge": AcknowledgeForm,
    "attendance": AttendanceForm,
    "postpone": PostponementForm,
}


def notice_checks(user, notice: Notice) -> dict:
    """name -> Check of each form the notice page offers (delivery: delivered or undeliverable)."""
    # The notice was read through the user's scoped queryset (notice_queryset): no second scope query.
    steps = {**actions.NOTICE_ACTIONS, "undeliverable": actions.UNDELIVERABLE}
    checks = available(user, notice, steps, in_scope=True)
    if not checks["deliver"] and checks["undeliverable"]:
        checks["deliver"] = checks["undeliverable"]
    del checks["undeliverable"]
    return checks


def notice_queryset(user):
    return Notice.objects.for_user(user).select_related("order", "township__parent", "reserve_unit", "reservist")


def notice_context(request, notice: Notice, bound: tuple | None = None, refusal: dict | None = None) -> dict:
    """The notice page's context; `bound` is (name, form) of a form sent back with its errors."""
    user = request.user
    live = notice.order.status in actions.LIVE_ORDER
    postponements = list(notice.postponements.select_related("requested_by", "decided_by").order_by("-id"))
    checks = notice_checks(user, notice)
    # Why report day cannot be recorded yet (the form is not offered before the report day).
    attendance_refusals = checks["attendance"].refusals if "attendance" in checks else []
    attendance_waits = next((r for r in attendance_refusals if r.code.startswith("attendance.")), None)
    forms = {}
    for name, form_class in NOTICE_FORMS.items():
        if checks[name] and not checks[name].done:
            initial = {"attended": notice.attendance} if name == "attendance" else None
            forms[name] = form_class(prefix=name, initial=initial)
    if bound is not None:
        forms[bound[0]] = bound[1]
    return {
        "notice": notice,
        "order": notice.order,
        "order_live": live,
        "history": history(notice),
        "postponements": postponements,
        "forms": forms,
        "refusal": refusal,
        "refused_form": bound[0] if bound is not None and refusal else "",
        # A form sent back with errors (not a refusal): the banner at the top says so and names the form.
        "invalid_form": bound[0] if bound is not None and not refusal and bound[1].errors else "",
        "attendance_waits": attendance_waits,
        "can_decide": user.has_perm(actions.APPROVE_POSTPONEMENT.permission),
        "decision_form": DecisionForm(),
    }


class NoticeDetailView(PortalPermissionMixin, TemplateView):
    """One notice: its data (masked national ID only), history, postponements, PDF and the workflow forms."""

    permission_required = "mobilization.view_notice"
    template_name = "mobilization/notices/notice_detail.html"
    model = Notice

    def get(self, request, pk):
        notice = get_object_or_404(notice_queryset(request.user), pk=pk)
        return render(request, self.template_name, notice_context(request, notice))


class NoticeActionView(PortalPermissionMixin, View):
    """POST one workflow step of a notice; on success back to the notice with a message, on a refusal or an
    invalid form the notice page again with the form and its reasons."""

    permission_required = "mobilization.view_notice"
    http_method_names = ["post"]

    def post(self, request, pk, name):
        if name not in NOTICE_FORMS:
            raise Http404
        form_class = NOTICE_FORMS[name]
        if not request.user.has_perm(actions.NOTICE_ACTIONS[name].permission):
            raise PermissionDenied
        notice = get_object_or_404(notice_queryset(request.user), pk=pk)
        form = form_class(request.POST, prefix=name)
        if not form.is_valid():
            return self.again(request, notice, name, form, status=400)
        try:
            done = self.run(name, request.user, notice, form.cleaned_data)
        except TransitionRefused as exc:
            return self.again(request, notice, name, form, refusal=refusal_of(exc), status=exc.status_code)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
            return self.again(request, notice, name, form, status=400)
        messages.success(request, done)
        return HttpResponseRedirect(reverse("mobilization:notice-detail", args=[notice.pk]))

    def again(self, request, notice, name, form, refusal=None, status=400):
        notice = notice_queryset(request.user).get(pk=notice.pk)
        # Each reason about a field stands beside it too, with its article (the banner at the top has them all).
        for reason in (refusal or {}).get("reasons", []):
            if reason.get("field") in form.fields:
                form.add_error(reason["field"], f"{reason['label']} {reason['message']}".strip())
        context = notice_context(request, notice, bound=(name, form), refusal=refusal)
        return render(request, NoticeDetailView.template_name, context, status=status)

    def run(self, name, user, notice, data) -> str:
        if name == "deliver":
            delivered = data["outcome"] == "delivered"
            actions.deliver(user=user, notice=notice, delivered=delivered, note=data["note"])
            return _("Recorded: %(s)s.") % {"s": notice.get_status_display()}
        if name == "acknowledge":
            actions.acknowledge(user=user, notice=notice, via="portal", note=data["note"])
            return _("Recorded: %(s)s.") % {"s": notice.get_status_display()}
        if name == "attendance":
            actions.record_attendance(
                user=user, notice=notice, attended=data["attended"] == Attendance.PRESENT, note=data["note"]
            )
            return _("Report day recorded: %(a)s.") % {"a": Attendance(data["attended"]).label}
        postponement = actions.request_postponement(
            user=user, notice=notice, days=data["days"], reason=data["reason"], kind=data["kind"]
        )
        if postponement.status == PostponementStatus.APPROVED:
            return _("Postponement of %(n)s days granted; the new report date is %(d)s.") % {
                "n": postponement.days,
                "d": postponement.new_report_date,
            }
        return _("Postponement of %(n)s days requested; the MND responsible unit decides.") % {"n": postponement.days}


class NoticePdfView(PortalPermissionMixin, View):
    """This person's notice as it stands now (after a postponement: the reissued version)."""

    permission_required = "mobilization.view_notice"
    http_method_names = ["get"]
    model = Notice

    def get(self, request, pk):
        from ..services import notice_pdf as pdf

        notice = get_object_or_404(notice_queryset(request.user), pk=pk)
        data = pdf.render_notice_pdf(notice)
        record(events.NOTICE_PDF_DOWNLOADED, user=request.user, obj=notice, after={"revision": notice.revision})
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="notice-{notice.number}.pdf"'
        return response


# ----- Art. 31 postponements -----------------------------------------------------------------------


class PostponementListView(ScopedListView):
    """Requested postponements first (oldest request first), then the decided ones, newest first."""

    model = Postponement
    permission_required = "mobilization.view_postponement"
    template_name = "mobilization/notices/postponement_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = (
            super()
            .get_queryset()
            .select_related("notice__order", "notice__township__parent", "notice__reservist", "requested_by")
        )
        status = self.request.GET.get("status")
        if status in PostponementStatus.values:
            queryset = queryset.filter(status=status)
        ground = self.request.GET.get("ground")
        if ground == "missing":  # recorded before Art. 31's ground was required: listed for review
            queryset = queryset.filter(kind="")
        elif ground in PostponementKind.values:
            queryset = queryset.filter(kind=ground)
        waiting = Case(When(status=PostponementStatus.REQUESTED, then=Value(0)), default=Value(1))
        return queryset.annotate(waiting=waiting).order_by("waiting", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            statuses=PostponementStatus.choices,
            grounds=PostponementKind.choices,
            without_ground=Postponement.objects.for_user(self.request.user).filter(kind="").count(),
            can_decide=self.request.user.has_perm(actions.APPROVE_POSTPONEMENT.permission),
        )
        return context


class PostponementDecisionView(PortalPermissionMixin, View):
    """POST approve or refuse; back to where the decision was taken (the list or the notice)."""

    permission_required = ["mobilization.view_postponement", "mobilization.decide_postponement"]
    http_method_names = ["post"]

    def post(self, request, pk, decision):
        if decision not in ("approve", "refuse"):
            raise Http404
        postponement = get_scoped_or_404(
            Postponement.objects.select_related("notice__order", "notice__reservist"), request.user, pk=pk
        )
        form = DecisionForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        try:
            actions.decide_postponement(
                user=request.user, postponement=postponement, approve=decision == "approve", comment=comment
            )
        except TransitionRefused as exc:
            messages.error(request, refusal_text(exc))
        else:
            messages.success(
                request,
                _("Postponement of notice %(number)s: %(s)s.")
                % {"number": postponement.notice.number, "s": postponement.get_status_display()},
            )
        return HttpResponseRedirect(
            safe_next(request, reverse("mobilization:notice-detail", args=[postponement.notice_id]))
        )


# ----- township batches ----------------------------------------------------------------------------


class BatchListView(OrderPageMixin, TemplateView):
    """The order's printable township batches (a township office sees its own), with download links."""

    permission_required = ["mobilization.view_calluporder", "mobilization.view_noticebatch"]
    template_name = "mobilization/notices/batch_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batches = list(
            NoticeBatch.objects.for_user(self.request.user)
            .filter(order=self.get_order())
            .select_related("township__parent")
            .order_by("township__code", "part")
        )
        context.update(
            batches=batches,
            totals={
                "notices": sum(b.count for b in batches),
                "pages": sum(b.pages for b in batches),
                "ready": sum(1 for b in batches if b.status == BatchStatus.READY),
            },
        )
        return context


@login_required
@permission_required("mobilization.view_noticebatch", raise_exception=True)
def batch_download(request, pk):
    """A township's printable PDF: its own township office, the county in its area, MND staff."""
    batch = get_object_or_404(NoticeBatch.objects.for_user(request.user).select_related("township"), pk=pk)
    if not batch.file:
        raise Http404
    after = {"batch": batch.pk, "file": batch.file.name}
    record(events.BATCH_DOWNLOADED, user=request.user, obj=batch.order, after=after)
    return downloads.serve(request, batch.file, content_type="application/pdf")


# ----- report day: attendance upload ---------------------------------------------------------------


class AttendanceUploadView(OrderPageMixin, ScopedImportView):
    """Upload a CSV/XLSX of notice numbers and attendance; the whole file is checked before anything is saved
    (the page and its result page: core.views.importing)."""

    permission_required = [*VIEW_NOTICES, "mobilization.record_attendance"]
    template_name = "mobilization/notices/attendance_upload.html"
    importer = AttendanceImport
    parent_param = "order"
    form_class = AttendanceUploadForm
    result_url_name = "mobilization:attendance-upload-result"
    success_message = False  # the result page says it in its card


class AttendanceTemplateView(PortalPermissionMixin, View):
    permission_required = "mobilization.record_attendance"
    http_method_names = ["get"]

    def get(self, request, fmt):
        if fmt not in ("csv", "xlsx"):
            raise Http404
        return template_response(AttendanceImport, fmt)


# ----- report day: no-shows ------------------------------------------------------------------------


class NoShowListView(OrderPageMixin, TemplateView):
    """Who did not report, grouped per township (a township office sees its own), for follow-up."""

    template_name = "mobilization/notices/no_shows.html"

    def absent(self):
        return self.notices().filter(attendance=Attendance.ABSENT)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(
            self.absent().values("township_id").annotate(n=Count("id")).order_by().values_list("township_id", "n")
        )
        regions = {r.pk: r for r in Region.objects.filter(pk__in=counts).select_related("parent")}
        groups = sorted(
            ({"township": regions[t], "count": n} for t, n in counts.items() if t in regions),
            key=lambda g: g["township"].code,
        )
        code = self.request.GET.get("township", "")
        queryset = self.absent().select_related("reservist", "township__parent")
        chosen = next((g["township"] for g in groups if g["township"].code == code), None)
        if chosen is not None:
            queryset = queryset.filter(township=chosen)
        # Keyset over (township, place in the township's delivery order): `after` is "<township id>-<place>".
        after = self.request.GET.get("after", "")
        town, _sep, place = after.partition("-")
        if town.isdigit() and place.isdigit():
            queryset = queryset.filter(
                Q(township_id__gt=int(town)) | Q(township_id=int(town), delivery_seq__gt=int(place))
            )
        rows = list(queryset.order_by("township_id", "delivery_seq")[: NO_SHOW_PAGE + 1])
        next_after = None
        if len(rows) > NO_SHOW_PAGE:
            last = rows[NO_SHOW_PAGE - 1]
            next_after = f"{last.township_id}-{last.delivery_seq}"
        context.update(
            groups=groups,
            total=sum(g["count"] for g in groups),
            chosen=chosen,
            notices=rows[:NO_SHOW_PAGE],
            next_after=next_after,
        )
        return context


class NoShowCsvView(OrderPageMixin, View):
    """The follow-up list as CSV (UTF-8 with BOM for Excel), streamed: names masked, no national IDs."""

    http_method_names = ["get"]

    def get(self, request, pk):
        order = self.get_order()
        queryset = self.notices().filter(attendance=Attendance.ABSENT)
        code = request.GET.get("township")
        if code:
            queryset = queryset.filter(township__code=code)
        towns = {
            t.pk: (t.code, str(t))
            for t in Region.objects.filter(pk__in=queryset.values("township_id")).select_related("parent")
        }
        rows = queryset.order_by("township__code", "delivery_seq").values_list(
            "number",
            "reservist__name",
            "township_id",
            "report_date",
            "assembly_point",
            "status",
            "attendance_recorded_at",
        )
        status_labels = {k: str(v) for k, v in NoticeStatus.choices}
        writer = csvexport.writer()
        header = [
            _("notice number"),
            pgettext("person", "name"),
            _("township code"),
            _("township"),
            _("report date"),
            _("assembly point"),
            _("status"),
            _("recorded at"),
        ]

        def lines():
            yield "\ufeff" + writer.writerow(header)
            for number, name, town, day, point, status, at in rows.iterator(chunk_size=2000):
                code, label = towns.get(town, ("", ""))
                when = timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else ""
                yield writer.writerow(
                    [number, mask_name(name), code, label, day, point, status_labels.get(status, status), when]
                )

        record(events.ORDER_NO_SHOWS_DOWNLOADED, user=request.user, obj=order, after={"township": code or None})
        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="order-{order.pk}-no-shows.csv"'
        return response
