"""Pages of the end of the call-up: the panels on the order and notice pages (template tags in
templatetags/lifecycle_tags.py), the exemption and no-show worklists, one case, and the POST handlers of every
step. Each handler runs the step's Action; a refusal comes back as a message with its reasons, nothing changed.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from core import csvexport
from core.exceptions import TransitionRefused
from core.pii import mask_name
from core.views import PortalPermissionMixin, ScopedListView

from ..choices import CaseStatus, ExemptionStatus
from ..filters import township_for
from ..forms import (
    AreaForm,
    CaseFilterForm,
    CorrectionForm,
    ExemptForm,
    ExemptionFilterForm,
    NoteForm,
    RecallForm,
    ReleaseForm,
    StepForm,
)
from ..models import CallUpOrder, Exemption, ExemptionDocument, NoShowCase, Notice, OrderChange
from ..services import changes, closing, exemptions


def _next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _refusal_text(exc: TransitionRefused) -> str:
    reasons = [str(r.get("message")) for r in exc.reasons if r.get("message")]
    return " ".join(reasons) or str(exc.message)


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''} {' '.join(e)}".strip() for f, e in form.errors.items()
    )


def _run(request, fn, done: str, back: str):
    """Run one step; its outcome is a message on the page we go back to."""
    try:
        fn()
    except TransitionRefused as exc:
        messages.error(request, _refusal_text(exc))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return HttpResponseRedirect(_next(request, back))


def order_townships(user, order):
    """The townships of the user's area that have notices in this order."""
    from core.models import Region

    ids = Notice.objects.for_user(user).filter(order=order).values("township_id").distinct()
    return list(Region.objects.filter(pk__in=ids).order_by("code"))


# ----- notices -------------------------------------------------------------------------------------


def _notice(request, pk) -> Notice:
    return get_object_or_404(Notice.objects.for_user(request.user).select_related("order"), pk=pk)


class NoticeStepView(PortalPermissionMixin, View):
    """POST exempt / release / attendance-unknown on one notice."""

    permission_required = "mobilization.view_notice"
    http_method_names = ["post"]
    model = Notice

    def post(self, request, pk, name):
        notice = _notice(request, pk)
        back = reverse("mobilization:notice-detail", args=[notice.pk])
        if name == "exempt":
            form = ExemptForm(request.POST, request.FILES)
            if not form.is_valid():
                messages.error(request, _form_errors(form))
                return HttpResponseRedirect(back)
            data = form.cleaned_data

            def step():
                self.result = exemptions.request_exemption(
                    user=request.user,
                    notice=notice,
                    ground=data["ground"],
                    note=data["note"],
                    documents=data["documents"],
                    replace=data["replace"],
                )

            response = _run(request, step, _("Saved."), back)
            if hasattr(self, "result"):
                messages.info(request, self.result.get_status_display())
            return response
        if name == "release":
            form = ReleaseForm(request.POST)
            if not form.is_valid():
                messages.error(request, _form_errors(form))
                return HttpResponseRedirect(back)
            data = form.cleaned_data
            return _run(
                request,
                lambda: exemptions.ReleaseNotice().execute(
                    request.user, notice, note=data["note"], reason=data["reason"], replace=data["replace"]
                ),
                _("The notice is withdrawn and its place opened for replacement."),
                back,
            )
        if name == "unknown":
            form = NoteForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            return _run(
                request,
                lambda: closing.MarkAttendanceUnknown().execute(request.user, notice, note=note),
                _("Attendance marked unknown."),
                back,
            )
        raise Http404


# ----- exemptions ----------------------------------------------------------------------------------


class ExemptionListView(ScopedListView):
    """The exemptions of the user's area, requests waiting for a decision first."""

    model = Exemption
    permission_required = "mobilization.view_exemption"
    template_name = "mobilization/lifecycle/exemption_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = (
            super().get_queryset().select_related("notice__order", "notice__township", "notice__reservist", "ground")
        )
        self.filters = ExemptionFilterForm(self.request.GET or None)
        if self.filters.is_valid():
            data = self.filters.cleaned_data
            if data["status"]:
                queryset = queryset.filter(status=data["status"])
            if data["order"]:
                queryset = queryset.filter(notice__order_id=data["order"])
            if data["township"]:
                queryset = queryset.filter(notice__township=township_for(data["township"]))
        return queryset.order_by("status", "-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filters=self.filters, can_decide=self.request.user.has_perm("mobilization.decide_exemption"))
        return context


class ExemptionDecisionView(PortalPermissionMixin, View):
    permission_required = ["mobilization.view_exemption", "mobilization.decide_exemption"]
    http_method_names = ["post"]
    model = Exemption

    def post(self, request, pk, decision):
        if decision not in ("approve", "refuse"):
            raise Http404
        exemption = get_object_or_404(Exemption.objects.for_user(request.user).select_related("notice"), pk=pk)
        comment = request.POST.get("comment", "")[:2000]
        action = exemptions.ApproveExemption() if decision == "approve" else exemptions.RefuseExemption()
        back = reverse("mobilization:notice-detail", args=[exemption.notice_id])
        return _run(
            request,
            lambda: action.execute(request.user, exemption, note=comment),
            _("Exemption of notice %(n)s: %(s)s.")
            % {
                "n": exemption.notice.number,
                "s": ExemptionStatus.APPROVED.label if decision == "approve" else ExemptionStatus.REFUSED.label,
            },
            back,
        )


class ExemptionDocumentView(PortalPermissionMixin, View):
    """An uploaded document, only for a user who may see its exemption (else 404)."""

    permission_required = "mobilization.view_exemptiondocument"
    http_method_names = ["get"]
    model = ExemptionDocument

    def get(self, request, pk):
        document = get_object_or_404(ExemptionDocument.objects.for_user(request.user), pk=pk)
        return exemptions.serve_document(request, document)


# ----- orders --------------------------------------------------------------------------------------


class OrderStepView(PortalPermissionMixin, View):
    """POST exempt-area / recall / correct / close on one order."""

    permission_required = "mobilization.view_calluporder"
    http_method_names = ["post"]
    model = CallUpOrder

    def post(self, request, pk, name):
        order = get_object_or_404(CallUpOrder.objects.for_user(request.user), pk=pk)
        back = reverse("mobilization:order-detail", args=[order.pk]) + "#lifecycle"
        townships = order_townships(request.user, order)
        if name == "close":
            form = NoteForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            return _run(
                request,
                lambda: closing.CloseOrder().execute(request.user, order, note=note),
                _("The order is closed and its yield frozen."),
                back,
            )
        forms = {"exempt-area": AreaForm, "recall": RecallForm, "correct": CorrectionForm}
        if name not in forms:
            raise Http404
        form = forms[name](request.POST, townships=townships)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        if name == "exempt-area":
            return _run(
                request,
                lambda: exemptions.ExemptArea().execute(
                    request.user,
                    order,
                    note=data["reason"],
                    townships=form.chosen(),
                    ground=data["ground"],
                    replace=data["replace"],
                ),
                _("The area is exempted."),
                back,
            )
        action = changes.ProposeRecall() if name == "recall" else changes.ProposeCorrection()
        extra = {}
        if name == "correct":
            extra = {k: data[k] for k in ("report_date", "report_time", "assembly_point")}
        return _run(
            request,
            lambda: action.execute(request.user, order, note=data["reason"], townships=form.chosen() or None, **extra),
            _("Proposed; another person approves it."),
            back,
        )


class ChangeDecisionView(PortalPermissionMixin, View):
    permission_required = ["mobilization.view_orderchange", "mobilization.decide_orderchange"]
    http_method_names = ["post"]
    model = OrderChange

    def post(self, request, pk, decision):
        if decision not in ("approve", "refuse"):
            raise Http404
        change = get_object_or_404(OrderChange.objects.for_user(request.user), pk=pk)
        comment = request.POST.get("comment", "")[:2000]
        action = changes.ApproveChange() if decision == "approve" else changes.RefuseChange()
        back = reverse("mobilization:order-detail", args=[change.order_id]) + "#lifecycle"
        done = _("Approved: the notices are being changed.") if decision == "approve" else _("Refused.")
        return _run(request, lambda: action.execute(request.user, change, note=comment), done, back)


# ----- no-show cases -------------------------------------------------------------------------------


def case_queryset(request):
    queryset = NoShowCase.objects.for_user(request.user).select_related(
        "notice__reservist", "notice__order", "township", "owner"
    )
    form = CaseFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["order"]:
            queryset = queryset.filter(order_id=data["order"])
        if data["township"]:
            queryset = queryset.filter(township=township_for(data["township"]))
    return queryset.order_by("due_date", "id"), form


class CaseListView(ScopedListView):
    """The township's worklist of no-show cases (a county sees its townships'), open ones by due date."""

    model = NoShowCase
    permission_required = "mobilization.view_noshowcase"
    template_name = "mobilization/lifecycle/case_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset, self.filters = case_queryset(self.request)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(filters=self.filters, statuses=CaseStatus.choices)
        return context


class CaseDetailView(PortalPermissionMixin, View):
    permission_required = "mobilization.view_noshowcase"
    model = NoShowCase

    def get(self, request, pk):
        case = get_object_or_404(
            NoShowCase.objects.for_user(request.user).select_related("notice__reservist", "notice__order", "township"),
            pk=pk,
        )
        check = closing.RecordCaseStep().check_available(request.user, case)
        return render(
            request,
            "mobilization/lifecycle/case_detail.html",
            {"case": case, "steps": case.steps.all(), "form": StepForm() if check else None, "check": check},
        )

    def post(self, request, pk):
        case = get_object_or_404(NoShowCase.objects.for_user(request.user), pk=pk)
        form = StepForm(request.POST)
        back = reverse("mobilization:case-detail", args=[case.pk])
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        return _run(
            request,
            lambda: closing.record_step(user=request.user, case=case, step=data["step"], note=data["note"]),
            _("Step recorded."),
            back,
        )


class CaseReferralView(PortalPermissionMixin, View):
    permission_required = "mobilization.view_noshowcase"
    model = NoShowCase

    def get(self, request, pk):
        from ..services.letters_pdf import render_referral

        case = get_object_or_404(NoShowCase.objects.for_user(request.user), pk=pk, status=CaseStatus.REFERRED)
        response = HttpResponse(render_referral(case), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="referral-{case.notice.number}.pdf"'
        return response


class CaseCsvView(PortalPermissionMixin, View):
    """The cases of the current filter as CSV (names masked), streamed."""

    permission_required = "mobilization.view_noshowcase"

    def get(self, request):
        queryset, _form = case_queryset(request)
        count = queryset.count()
        closing.export_event(request.user, count)
        writer = csvexport.writer()
        header = [_("Notice"), _("Order"), _("Township"), _("Reservist"), _("Status"), _("Review due"), _("Owner")]

        def lines():
            yield "\ufeff" + writer.writerow(header)
            for case in queryset.iterator(chunk_size=2000):
                yield writer.writerow(
                    [
                        case.notice.number,
                        case.notice.order.title,
                        case.township.code,
                        mask_name(case.notice.reservist.name),
                        case.get_status_display(),
                        case.due_date.isoformat(),
                        case.owner.get_username() if case.owner_id else "",
                    ]
                )

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="no-show-cases.csv"'
        return response


class ChangeLettersView(PortalPermissionMixin, View):
    """A township's withdrawal letters of a recall (one page per withdrawn notice), to print and post; parts of
    BATCH_PAGES letters (`?part=2`)."""

    permission_required = "mobilization.view_orderchange"
    model = OrderChange

    def get(self, request, pk, township):
        from core.models import Region

        from ..choices import BATCH_PAGES
        from ..services.letters_pdf import render_withdrawals

        change = get_object_or_404(OrderChange.objects.for_user(request.user), pk=pk, kind="recall", status="done")
        region = township_for(township)
        if region is None or not Region.objects.for_user(request.user).filter(pk=region.pk).exists():
            raise Http404
        part = request.GET.get("part", "1")
        part = int(part) if part.isdigit() and int(part) > 0 else 1
        notices = list(
            Notice.objects.for_user(request.user)
            .filter(order_id=change.order_id, township=region, status="withdrawn", events__event="withdrawn")
            .select_related("order", "reservist", "township__parent")
            .order_by("delivery_seq", "id")
            .distinct()[(part - 1) * BATCH_PAGES : part * BATCH_PAGES]
        )
        if not notices:
            raise Http404
        response = HttpResponse(render_withdrawals(notices), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="withdrawals-{change.pk}-{region.code}-{part}.pdf"'
        return response
