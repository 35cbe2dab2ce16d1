"""The call-up jobs in words, with the page each one started from (core.jobs.JobKind)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.jobs import JobKind


def _order_subject(order_id, user, anchor: str = ""):
    from .models import CallUpOrder

    orders = CallUpOrder.objects.for_user(user) if user is not None else CallUpOrder.objects.all()
    order = orders.filter(pk=order_id).only("title").first() if order_id else None
    if order is None:
        return None
    return order.title, reverse("mobilization:order-detail", args=[order.pk]) + anchor


def _order(anchor: str = ""):
    return lambda job, user: _order_subject(job.params.get("order"), user, anchor)


def _change(job, user):
    from .models import OrderChange

    order_id = OrderChange.objects.filter(pk=job.params.get("change")).values_list("order_id", flat=True).first()
    return _order_subject(order_id, user)


def _attendance(job, user):
    found = _order()(job, user)
    if found is None:
        return None
    return found[0], reverse("mobilization:attendance-upload-result", args=[job.params["order"], job.pk])


KINDS = {
    "mobilization.selection": JobKind(_("Selection of candidates"), _order("#candidates")),
    "mobilization.issue": JobKind(_("Issuing the call-up notices"), _order("#notices")),
    "mobilization.replace": JobKind(_("Calling replacements"), _order()),
    "mobilization.change": JobKind(_("Recall or correction of notices"), _change),
    "mobilization.attendance": JobKind(_("Attendance upload"), _attendance),
}
