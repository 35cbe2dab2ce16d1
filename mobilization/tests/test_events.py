"""Named audit events of the call-up: an auditor asks for "every approval of a call-up order" by name."""

import pytest
from django.utils import translation

from core import events as core_events
from core.models import AuditEvent
from mobilization import events, services
from mobilization.choices import CLOSED_ORDER_STATUSES, LIVE_ORDER_STATUSES, OrderStatus
from mobilization.models import CallUpOrder


def submitted(users, title):
    return CallUpOrder.objects.create(
        mobilization_type="educational",
        title=title,
        report_date="2027-03-13",
        days=5,
        quota=10,
        status=OrderStatus.SUBMITTED,
        created_by=users.staff,
        submitted_by=users.staff,
    )


@pytest.mark.django_db
def test_all_approvals_of_call_up_orders_and_nothing_else(users):
    first, second, third = (submitted(users, t) for t in ("一", "二", "三"))
    services.approve(user=users.approver, order=first, comment="核准")
    services.reject(user=users.approver, order=second, comment="員額過高")
    services.approve(user=users.approver2, order=third)
    approvals = AuditEvent.objects.filter(event=events.ORDER_APPROVED.name).order_by("id")
    assert [(a.object_id, a.username) for a in approvals] == [
        (first.pk, users.approver.username),
        (third.pk, users.approver2.username),
    ]
    one = approvals[0]
    # Before/after are data, the comment is the note: nothing translated at write time.
    assert (one.before, one.after, one.message) == ({"status": "submitted"}, {"status": "approved"}, "核准")
    assert AuditEvent.objects.get(event=events.ORDER_REJECTED.name).object_id == second.pk


def test_every_event_is_named_app_object_verb_with_a_translated_label():
    names = [e.name for e in core_events.all_events() if e.name.startswith("mobilization.")]
    assert "mobilization.order.approved" in names and "mobilization.notice.delivered" in names
    with translation.override("zh-hant"):
        assert core_events.label("mobilization.order.approved") == "召集令已核准"
    with translation.override("en"):
        assert core_events.label("mobilization.order.approved") == "Call-up order approved"


def test_status_names_other_apps_import():
    assert OrderStatus.CANCELLED in CLOSED_ORDER_STATUSES and OrderStatus.CLOSED in CLOSED_ORDER_STATUSES
    assert {OrderStatus.ISSUING, OrderStatus.ISSUED} == LIVE_ORDER_STATUSES
    assert not CLOSED_ORDER_STATUSES & LIVE_ORDER_STATUSES
