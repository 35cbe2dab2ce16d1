"""The call-up panel of the role dashboard: orders by state that need someone's attention."""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from core.dashboard import Figure, Panel

from .choices import OrderStatus
from .models import CallUpOrder


def panels(request) -> list[Panel]:
    user = request.user
    if not user.has_perm("mobilization.view_calluporder"):
        return []
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

    return [Panel(_("Call-up orders"), figures, order=20), *dashboard_panels(request)]
