"""An agency's worklist in critical infrastructure: plans whose review date has come and assessments past due,
each figure counting exactly the rows of the list it links to, and nothing of another operator."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from cip.dashboard import worklist_panel
from cip.metrics import plans_to_review
from core.testing import logged_in

from .factories import make_asset, make_plan

pytestmark = pytest.mark.django_db


def test_plans_to_renew_count_and_list_the_same_plans(users):
    today = timezone.localdate()
    mine = make_asset()  # run by the test agency of 新北市 (users.agency)
    due = make_plan(mine, title="到期計畫", status="active", next_review_on=today - timedelta(days=3))
    make_plan(mine, title="未到期計畫", status="active", next_review_on=today + timedelta(days=90))
    make_plan(mine, title="草稿計畫", status="draft", next_review_on=date(2000, 1, 1))  # not in force
    others = make_asset("TW-TPE")
    make_plan(others, title="他人計畫", status="active", next_review_on=today - timedelta(days=3))

    assert list(plans_to_review(users.staff).filter(asset=mine)) == [due]
    panel = worklist_panel(users.staff)
    figure = next(f for f in panel.figures if "防護計畫" in str(f.label))
    assert figure.value == "2"  # MND staff see both counties' due plans
    page = logged_in(users.staff).get(figure.url).content.decode()
    assert "到期計畫" in page and "未到期計畫" not in page and "草稿計畫" not in page and "他人計畫" in page

    agency = logged_in(users.agency).get(figure.url).content.decode()
    assert "到期計畫" in agency and "他人計畫" not in agency
    agency_figure = next(f for f in worklist_panel(users.agency).figures if "防護計畫" in str(f.label))
    assert agency_figure.value == "1"
