"""Residence moves (Art. 24): a township office files, an MND approver decides in the queue."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View

from core.actions import allowed
from core.exceptions import TransitionRefused
from core.views import KeysetListMixin, PortalPermissionMixin, ScopedParentMixin, add_form_errors, show_refusal

from ..actions import MOVE_DECISIONS
from ..choices import MoveStatus
from ..forms import MoveDecisionForm, ResidenceMoveForm
from ..models import Reservist, ResidenceMove
from ..services import decide_residence_move, file_residence_move


class MoveCreateView(ScopedParentMixin, FormView):
    permission_required = ["reservists.view_reservist", "reservists.add_residencemove"]
    form_class = ResidenceMoveForm
    template_name = "reservists/move_form.html"
    parent_model = Reservist  # self.reservist and {{ reservist }}

    def get_parent_queryset(self):
        return Reservist.objects.select_related("township__parent")

    def form_valid(self, form):
        try:
            file_residence_move(user=self.request.user, reservist=self.reservist, **form.cleaned_data)
        except ValidationError as exc:
            add_form_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The move was filed and waits for the MND's decision."))
        return redirect("reservists:detail", pk=self.reservist.pk)


class MoveQueueView(PortalPermissionMixin, KeysetListMixin, TemplateView):
    """Pending moves first (the approver's queue), then the decided ones."""

    permission_required = "reservists.view_residencemove"
    template_name = "reservists/move_queue.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        status = self.request.GET.get("status") or MoveStatus.PENDING
        if status not in MoveStatus.values:
            status = MoveStatus.PENDING
        queryset = (
            ResidenceMove.objects.for_user(self.request.user)
            .filter(status=status)
            .select_related("reservist", "from_township__parent", "to_township__parent", "requested_by")
        )
        moves, next_after = self.paginate_keyset(queryset)
        # The rows come from for_user already: the buttons follow check() without a query per row.
        for move in moves:
            move.decisions = allowed(self.request.user, move, MOVE_DECISIONS, known_in_scope=True)
        context.update(
            moves=moves,
            next_after=next_after,
            status=status,
            statuses=MoveStatus.choices,
            can_decide=any(move.decisions for move in moves),
            decision_form=MoveDecisionForm(),
        )
        return context


class MoveDecideView(PortalPermissionMixin, View):
    permission_required = "reservists.decide_residencemove"

    def post(self, request, pk):
        move = get_object_or_404(ResidenceMove.objects.for_user(request.user), pk=pk)
        form = MoveDecisionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose approve or reject."))
            return redirect("reservists:move-queue")
        try:
            decide_residence_move(
                user=request.user,
                move=move,
                approve=form.cleaned_data["decision"] == "approve",
                comment=form.cleaned_data["comment"],
            )
        except (TransitionRefused, ValidationError) as exc:
            show_refusal(request, exc)
        else:
            messages.success(request, _("Decision recorded."))
        return redirect("reservists:move-queue")
