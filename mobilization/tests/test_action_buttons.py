"""The pages offer exactly the steps core.actions allows: for every role and every order state, the buttons on
the order page and the approval page are the actions whose check() says yes (issue 17)."""

import dataclasses

import pytest
from django.urls import reverse

from core.models import Region
from core.testing import COUNTY_A, logged_in
from mobilization.choices import OrderStatus
from mobilization.models import CallUpOrder
from mobilization.services import ORDER_ACTIONS, ORDER_PAGE_ACTIONS

pytestmark = pytest.mark.django_db

# The element each step shows on its page when allowed.
ORDER_PAGE = {
    "edit": 'id="edit-order"',
    "select": 'id="do-select"',
    "submit": 'id="do-submit"',
    "cancel": 'id="do-cancel"',
    "exclude": 'id="review"',
    "issue": 'id="do-issue"',
}
APPROVAL_PAGE = {"approve": 'id="do-approve"', "reject": 'id="do-reject"'}
STEPS = ORDER_PAGE_ACTIONS


def orders(users):
    """One order in every state, aimed at county A (so its local officials see it), drafted by mnd_staff."""
    county = Region.objects.get(code=COUNTY_A)
    made = []
    for status in OrderStatus.values:
        order = CallUpOrder.objects.create(
            mobilization_type="educational",
            title=f"button check {status}",
            report_date="2027-03-13",
            days=5,
            quota=10,
            status=status,
            created_by=users.staff,
            submitted_by=users.staff if status != OrderStatus.DRAFT else None,
            decided_at="2027-01-05T10:00:00+08:00" if status not in ("draft", "selected", "submitted") else None,
        )
        order.target_regions.set([county])
        made.append(order)
    return made


def test_buttons_are_exactly_the_allowed_actions(users):
    seen = set()
    for order in orders(users):
        for field in dataclasses.fields(users):
            user = getattr(users, field.name)
            client = logged_in(user)
            fresh = CallUpOrder.objects.get(pk=order.pk)
            allowed = {name for name, step in STEPS.items() if step.check_available(user, fresh).allowed}
            allowed |= {name for name in APPROVAL_PAGE if ORDER_ACTIONS[name].check_available(user, fresh).allowed}
            for url_name, buttons in (("order-detail", ORDER_PAGE), ("order-approval", APPROVAL_PAGE)):
                response = client.get(reverse(f"mobilization:{url_name}", args=[order.pk]))
                page = response.content.decode() if response.status_code == 200 else ""
                shown = {name for name, marker in buttons.items() if marker in page}
                expected = {name for name in buttons if name in allowed}
                if response.status_code != 200:
                    # A page the user may not open offers nothing; check() must not offer it either.
                    assert not expected, (field.name, order.status, url_name, expected)
                assert shown == expected, (field.name, order.status, url_name, shown, expected)
                seen |= shown
    # The check is not vacuous: every button was shown to someone in some state.
    assert seen == set(ORDER_PAGE) | set(APPROVAL_PAGE)


def test_permission_comes_before_four_eyes(users):
    """A drafter without the approver's permission is refused for the permission (403), not for four eyes."""
    [order] = [o for o in orders(users) if o.status == OrderStatus.SUBMITTED]
    check = ORDER_ACTIONS["approve"].check(users.staff, order)
    assert check.status == 403 and [r.code for r in check.refusals] == ["permission"]
    check = ORDER_ACTIONS["approve"].check(users.approver, order)
    assert check.allowed
