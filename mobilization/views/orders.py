"""Pages of a call-up order: the list, the form, the order page (candidate review, the steps it allows,
its notices panel with the issue button), the approval page, and the order's steps posted from them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import (
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from core.actions import available
from core.exceptions import TransitionRefused
from core.models import Region
from core.scope import get_scoped_or_404
from core.views import PortalPermissionMixin, ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView

from .. import services
from ..choices import BatchStatus, Decision, OrderStatus
from ..filters import OrderFilterSet
from ..forms import CandidateChangeForm, CommentForm, OrderForm, ReasonForm
from ..models import CallUpOrder, Candidate, NoticeBatch
from ..services import issuing
from ..services.selection import visible_summary
from .common import raise_if_forbidden, refusal_text

PAGE = 50
DECIDABLE = (OrderStatus.SELECTED, OrderStatus.SUBMITTED)


class OrderListView(ScopedListView):
    model = CallUpOrder
    permission_required = "mobilization.view_calluporder"
    template_name = "mobilization/order_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = super().get_queryset().select_related("created_by").prefetch_related("target_regions__parent")
        # The API's filters (mobilization/filters.py); a wrong value is ignored on the page.
        return OrderFilterSet(self.request.GET, queryset=queryset).qs.order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["statuses"] = OrderStatus.choices
        return context


class OrderFormMixin:
    model = CallUpOrder
    form_class = OrderForm
    template_name = "mobilization/order_form.html"

    def get_success_url(self):
        return reverse("mobilization:order-detail", args=[self.object.pk])


class OrderCreateView(OrderFormMixin, ScopedCreateView):
    permission_required = "mobilization.add_calluporder"

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        return super().form_valid(form)


class OrderUpdateView(OrderFormMixin, ScopedUpdateView):
    permission_required = "mobilization.change_calluporder"

    def form_valid(self, form):
        try:
            with transaction.atomic():
                services.ensure_order_in_user_scope(self.request.user, self.object)
                services.mark_edited(user=self.request.user, order=self.object)
                form.instance.status = self.object.status
                return super().form_valid(form)
        except TransitionRefused as exc:
            form.add_error(None, str(exc.message))
            return self.form_invalid(form)


def decision_explanations() -> dict:
    return {
        Decision.ELIGIBLE: _("Within every limit of Art. 26-28 that applies to this call-up: can be called."),
        Decision.LATER: _(
            "Art. 30: called as late as possible (security guards, students, mobilization personnel, siblings "
            "already serving); ranked after every eligible person."
        ),
        Decision.SUCCESSIVE: _(
            "Art. 29: called successively (senior officials, representatives in session, judges and prosecutors, "
            "school heads, police, MND contract staff, disaster rescue, official business abroad, important "
            "wartime duty); held out of the first wave and in principle keep their jobs."
        ),
        Decision.INELIGIBLE: _(
            "Cannot be called up: outside the 8-year window (Art. 27, 28), over the number of call-ups or days "
            "(Art. 27, 28), over the one-year Temporary Mobilization total in ordinary time (Art. 26), or no "
            "longer in the registry."
        ),
    }


class OrderDetailView(ScopedDetailView):
    """The order with its candidate review: counts, shortfall by township and specialty, the list by decision."""

    model = CallUpOrder
    permission_required = "mobilization.view_calluporder"
    template_name = "mobilization/order_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("created_by", "submitted_by", "decided_by", "policy")
            .prefetch_related("target_regions")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        user = self.request.user
        decision = self.request.GET.get("decision")
        decision = decision if decision in Decision.values else ""
        rows = []
        next_after = None
        if user.has_perm("mobilization.view_candidate"):
            queryset = (
                Candidate.objects.for_user(user).filter(order=order).select_related("reservist", "township__parent")
            )
            if decision:
                queryset = queryset.filter(decision=decision)
            after = self.request.GET.get("after")
            if after and after.isdigit():
                queryset = queryset.filter(pk__gt=int(after))
            # With a decision, order as the (order, decision, id) index does so the planner walks it.
            ordering = ("decision", "pk") if decision else ("pk",)
            rows = list(queryset.order_by(*ordering)[: PAGE + 1])
            if len(rows) > PAGE:
                rows = rows[:PAGE]
                next_after = rows[-1].pk
        summary = visible_summary(user, order)
        checks = order_checks(user, order)
        context.update(
            candidates=rows,
            next_after=next_after,
            decision=decision,
            decisions=Decision.choices,
            explanations=decision_explanations(),
            summary=summary,
            township_names=township_names(summary),
            comment_form=CommentForm(),
            reason_form=ReasonForm(),
            change_form=CandidateChangeForm(),
            actions=checks,
            can_edit=checks["edit"].allowed,
            can_review=checks["exclude"].allowed,
            notice_panel=notice_panel(user, order, checks),
        )
        return context


def township_names(summary) -> dict:

    ids = [row["township_id"] for row in (summary or {}).get("by_township", [])[:20]]
    return {r.pk: str(r) for r in Region.objects.filter(pk__in=ids).select_related("parent")}


class ApprovalView(ScopedDetailView):
    """What the approver decides on: the order, its raised limits with their justification, and the numbers."""

    model = CallUpOrder
    permission_required = "mobilization.view_calluporder"
    template_name = "mobilization/order_approval.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        user = self.request.user
        from ..services.programme import facts_for, order_refusals

        summary = visible_summary(user, order)
        counts = (summary or {}).get("counts") or {}
        context.update(
            summary=summary,
            # "3 of 40": the people the order can call (eligible or later, not excluded) against its quota.
            available=counts.get("available"),
            short=max(0, order.quota - counts["available"]) if "available" in counts else None,
            # What the law says about the order as it stands (the same checks as the order form).
            law_refusals=order_refusals(facts_for(order)) if order.status in DECIDABLE else [],
            decisions=Decision.choices,
            comment_form=CommentForm(),
            reason_form=ReasonForm(),
            actions=available(user, order, {"approve": services.APPROVE, "reject": services.REJECT}, in_scope=True),
            policy=order.policy or services.policy_for(order.report_date),
        )
        context["township_names"] = township_names(context["summary"])
        return context


def order_checks(user, order) -> dict:
    """name -> Check of every step the order page offers: the page shows a button exactly when it is allowed."""
    steps = services.ORDER_PAGE_ACTIONS
    return available(user, order, steps, in_scope=True)  # the page read the order through its scoped queryset


def notice_panel(user, order: CallUpOrder, checks: dict | None = None) -> dict:
    """What the order page shows about notices: the issue button, the running job, links, batch totals."""
    has_notices = order.status in (OrderStatus.ISSUING, OrderStatus.ISSUED, OrderStatus.CLOSED) or (
        order.status == OrderStatus.FAILED and order.decided_at is not None
    )
    panel = {"has_notices": has_notices, "can_issue": False, "job": None, "batches": None}
    if has_notices and user.has_perm("mobilization.view_noticebatch"):
        panel["batches"] = (
            NoticeBatch.objects.for_user(user)
            .filter(order=order)
            .aggregate(parts=Count("id"), notices=Sum("count"), ready=Count("id", filter=Q(status=BatchStatus.READY)))
        )
    check = checks["issue"] if checks is not None else issuing.ISSUE.check_available(user, order)
    panel["can_issue"] = check.allowed
    if has_notices and user.has_perm(issuing.ISSUE.permission):
        panel["job"] = issuing.latest_job(order)
    return panel


def order_action(request, pk, name):
    """POST a transition from a page; a refusal is shown as a message and changes nothing."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if name not in services.ORDER_ACTIONS:
        raise PermissionDenied
    order = get_scoped_or_404(CallUpOrder.objects, request.user, "mobilization.view_calluporder", pk=pk)
    action = services.ORDER_ACTIONS[name]
    # Irreversible steps (cancel, reject) come from their own form with a required reason; the others carry
    # the comment box's text (the submission comment reaches the approver).
    form = ReasonForm(request.POST) if action.requires_note else CommentForm(request.POST)
    note = (form.cleaned_data.get("reason") or form.cleaned_data.get("comment") or "") if form.is_valid() else ""
    try:
        action.execute(request.user, order, note=note)
    except TransitionRefused as exc:
        raise_if_forbidden(exc)
        messages.error(request, " ".join([str(exc.message)] + [str(r.get("message", "")) for r in exc.reasons]))
    else:
        if name == "select":
            messages.success(request, _("Selection started: the candidates appear on this page when it ends."))
        else:
            messages.success(
                request, _("Done: the order is now “%(status)s”.") % {"status": order.get_status_display()}
            )
    target = "mobilization:order-approval" if name in ("approve", "reject") else "mobilization:order-detail"
    return HttpResponseRedirect(reverse(target, args=[pk]))


class IssueView(PortalPermissionMixin, View):
    """POST: start (or resume) issuing the order's notices, then follow the job."""

    permission_required = ["mobilization.view_calluporder", "mobilization.issue_notices"]
    http_method_names = ["post"]

    def post(self, request, pk):
        order = get_scoped_or_404(CallUpOrder.objects, request.user, pk=pk)
        form = CommentForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        try:
            issuing.start(user=request.user, order=order, comment=comment)
        except TransitionRefused as exc:
            messages.error(request, refusal_text(exc))
            return HttpResponseRedirect(reverse("mobilization:order-detail", args=[pk]))
        messages.success(request, _("Issuing the notices has started: its progress and result show here."))
        return HttpResponseRedirect(reverse("mobilization:order-detail", args=[pk]) + "#notices")
