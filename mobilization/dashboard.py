"""The call-up panel of the role dashboard: orders by state that need someone's attention."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel

from .choices import OrderStatus
from .models import CallUpOrder


def worklist_panel(user) -> Panel | None:
    """What waits for this person in the call-up, each figure linking to the list of exactly those rows
    (mobilization/worklist.py defines both): a township clerk's notices to deliver and attendance to record,
    the postponements and exemptions to decide, an approver's orders and recalls/corrections to decide."""
    from . import worklist
    from .services import notices as notice_steps

    figures: list[Figure] = []

    def add(label, queryset, url):
        n, shown = worklist.bounded(queryset)
        figures.append(Figure(label, shown, url, "warn" if n else "ok"))

    notices = reverse("mobilization:notice-worklist")
    if user.has_perm("mobilization.view_notice") and user.has_perm("mobilization.deliver_notice"):
        add(
            _("Notices to deliver"),
            worklist.notices_to_do(user, "deliver", notice_steps.today()),
            f"{notices}?todo=deliver",
        )
    if user.has_perm("mobilization.view_notice") and user.has_perm("mobilization.record_attendance"):
        add(
            _("Attendance to record (report day has come)"),
            worklist.notices_to_do(user, "attendance", notice_steps.today()),
            f"{notices}?todo=attendance",
        )
    if user.has_perm("mobilization.view_postponement") and (
        user.has_perm("mobilization.decide_postponement") or user.has_perm("mobilization.request_postponement")
    ):
        add(
            _("Postponements waiting for a decision"),
            worklist.postponements_waiting(user),
            reverse("mobilization:postponement-list") + "?status=requested",
        )
    if user.has_perm("mobilization.view_exemption") and (
        user.has_perm("mobilization.decide_exemption") or user.has_perm("mobilization.request_exemption")
    ):
        add(
            _("Exemption requests waiting"),
            worklist.exemptions_waiting(user),
            reverse("mobilization:exemption-list") + "?status=requested",
        )
    orders = reverse("mobilization:order-list")
    if user.has_perm("mobilization.approve_calluporder"):
        add(_("Orders to decide"), worklist.orders_to_decide(user), f"{orders}?status=submitted")
    if user.has_perm("mobilization.decide_orderchange"):
        add(
            _("Recalls and corrections to decide"),
            worklist.orders_with_change_waiting(user),
            f"{orders}?change_waiting=true",
        )
    if user.has_perm("reservists.view_residencemove") and (
        user.has_perm("reservists.decide_residencemove") or user.has_perm("reservists.add_residencemove")
    ):
        from reservists.choices import MoveStatus
        from reservists.models import ResidenceMove

        add(
            _("Residence moves waiting for a decision"),
            ResidenceMove.objects.for_user(user).filter(status=MoveStatus.PENDING),
            reverse("reservists:move-queue") + "?status=pending",
        )
    if not figures:
        return None
    return Panel(_("Waiting for you"), figures, order=1, extra={"worklist": True})


def panels(request) -> list[Panel]:
    user = request.user
    mine = worklist_panel(user)
    mine = [mine] if mine is not None else []
    if not user.has_perm("mobilization.view_calluporder"):
        return mine
    counts = dict(
        CallUpOrder.objects.for_user(user)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    url = reverse("mobilization:order-list")
    figures = [
        Figure(_("Drafts"), counts.get(OrderStatus.DRAFT, 0), f"{url}?status=draft"),
        Figure(_("Selected, to review"), counts.get(OrderStatus.SELECTED, 0), f"{url}?status=selected"),
        Figure(
            _("Waiting for approval"),
            counts.get(OrderStatus.SUBMITTED, 0),
            f"{url}?status=submitted",
            "warn" if counts.get(OrderStatus.SUBMITTED) else "ok",
        ),
        Figure(_("Approved"), counts.get(OrderStatus.APPROVED, 0), f"{url}?status=approved"),
        Figure(
            _("Failed"),
            counts.get(OrderStatus.FAILED, 0),
            f"{url}?status=failed",
            "bad" if counts.get(OrderStatus.FAILED) else "ok",
        ),
    ]
    from .services.programme_progress import dashboard_panels

    return [*mine, Panel(_("Call-up orders"), figures, order=20), *dashboard_panels(request)]
