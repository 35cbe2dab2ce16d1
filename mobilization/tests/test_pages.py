"""Pages: list, form, review, approval, policy; scope contracts and pinned query counts."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.testing import ScopedViewContract, logged_in
from mobilization import services
from mobilization.models import CallUpOrder, Candidate, RulePolicy

from .helpers import grant, make_reservist

pytestmark = pytest.mark.django_db
D = datetime.date


def make_order(county=None, **kw):
    values = {
        "mobilization_type": "educational",
        "title": "教育召集",
        "report_date": D(2024, 3, 15),
        "days": 14,
        "quota": 2,
    }
    values.update(kw)
    order = CallUpOrder.objects.create(**values)
    if county is not None:
        order.target_regions.set([county])
    return order


class TestOrderDetailContract(ScopedViewContract):
    allowed = "county_a"

    def make_object(self, county):
        return make_order(county)

    def url(self, obj):
        return reverse("mobilization:order-detail", args=[obj.pk])


class TestApprovalContract(TestOrderDetailContract):
    def url(self, obj):
        return reverse("mobilization:order-approval", args=[obj.pk])


def selected_order(users, run_on_commit, **kw):
    for i in range(3):
        make_reservist(retired=D(2019, 1, 1 + i), specialty="11B")
    judge = make_reservist(retired=D(2019, 2, 1))
    grant(judge, "art29.3", D(2019, 1, 1))
    order = make_order(created_by=users.staff, **kw)
    run_on_commit(services.start_selection, user=users.staff, order=order)
    order.refresh_from_db()
    return order


def test_review_page_explains_decisions_and_shortfall(users, run_on_commit, django_assert_max_num_queries):
    order = selected_order(users, run_on_commit, quota=10)
    client = logged_in(users.staff)
    url = reverse("mobilization:order-detail", args=[order.pk])
    with django_assert_max_num_queries(14):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "shortfall-township" in html and 'id="shortfall">7<' in html.replace(" ", "")
    assert "第29條" in html or "Art. 29" in html
    filtered = client.get(url + "?decision=successive").content.decode()
    assert filtered.count('data-decision="successive"') == 1
    assert 'data-decision="eligible"' not in filtered


def test_order_list_query_count(users, django_assert_max_num_queries):
    for _ in range(5):
        make_order()
    client = logged_in(users.staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("mobilization:order-list"))
    assert response.status_code == 200
    assert response.content.decode().count('data-status="draft"') == 5


def test_create_order_in_the_browser_form(users):
    client = logged_in(users.staff)
    response = client.post(
        reverse("mobilization:order-create"),
        {
            "mobilization_type": "roll_call",
            "title": "點閱召集",
            "report_date": "2024-05-01",
            "days": 1,
            "quota": 50,
            "target_regions": [county_id("TW-NWT")],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = CallUpOrder.objects.get(title="點閱召集")
    assert order.created_by == users.staff and order.status == "draft"
    assert client.get(reverse("mobilization:order-create")).status_code == 200
    assert logged_in(users.approver).get(reverse("mobilization:order-create")).status_code == 403


def county_id(code):
    from core.models import Region

    return Region.objects.get(code=code).pk


def test_actions_from_the_pages(users, run_on_commit):
    order = selected_order(users, run_on_commit)
    staff = logged_in(users.staff)
    staff.post(reverse("mobilization:order-action", args=[order.pk, "submit"]), {"comment": "ready"})
    order.refresh_from_db()
    assert order.status == "submitted"
    # The drafter cannot approve; the page says so and nothing changes.
    staff.post(reverse("mobilization:order-action", args=[order.pk, "approve"]))
    order.refresh_from_db()
    assert order.status == "submitted"
    approver = logged_in(users.approver)
    page = approver.get(reverse("mobilization:order-approval", args=[order.pk])).content.decode()
    assert "do-approve" in page
    approver.post(reverse("mobilization:order-action", args=[order.pk, "approve"]), {"comment": "批准"})
    order.refresh_from_db()
    assert order.status == "approved" and order.decided_by == users.approver


def test_exclude_from_the_review_page(users, run_on_commit):
    order = selected_order(users, run_on_commit)
    candidate = Candidate.objects.filter(order=order, decision="eligible").first()
    logged_in(users.staff).post(
        reverse("mobilization:candidate-change", args=[order.pk, "exclude"]),
        {"reservist": candidate.reservist_id, "reason": "住院中"},
    )
    candidate.refresh_from_db()
    assert candidate.excluded and candidate.exclusion_reason == "住院中"
    assert AuditEvent.objects.filter(object_id=order.pk, message__contains="住院中").exists()
    # A local official can read but not change.
    logged_in(users.county_a).post(
        reverse("mobilization:candidate-change", args=[order.pk, "include"]),
        {"reservist": candidate.reservist_id, "reason": "x"},
    )
    candidate.refresh_from_db()
    assert candidate.excluded


def test_approval_page_shows_overrides(users):
    order = make_order(override_max_times=6, override_justification="海岸防衛需求")
    page = logged_in(users.approver).get(reverse("mobilization:order-approval", args=[order.pk])).content.decode()
    assert "海岸防衛需求" in page and 'id="overrides"' in page


def test_policy_page_only_admin_publishes(users):
    url = reverse("mobilization:policy")
    data = {
        "effective_from": "2027-01-01",
        "temporary_cap_days": 365,
        "edu_window_years": 8,
        "edu_max_days": 20,
        "edu_max_times": 5,
        "edu_duty_combined": "on",
        "rollcall_window_years": 8,
        "rollcall_max_times": 1,
        "rollcall_max_days": 1,
        "note": "113年修正",
    }
    assert logged_in(users.staff).post(url, data).status_code == 403
    assert RulePolicy.objects.count() == 1
    assert logged_in(users.admin).post(url, data).status_code == 302
    new = RulePolicy.objects.get(version=2)
    assert new.edu_max_times == 5 and new.created_by == users.admin
    assert RulePolicy.objects.get(version=1).edu_max_times == 4  # the old version is kept unchanged
    assert AuditEvent.objects.filter(table_name="mobilization_rulepolicy", object_id=new.pk).exists()
    assert logged_in(users.staff).get(url).status_code == 200
    assert logged_in(users.county_a).get(url).status_code == 403
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        new.edu_max_times = 9
        new.save()


def test_reservist_decisions_fragment_and_dashboard(users, run_on_commit):
    from django.template import Context, Template
    from django.test import RequestFactory

    order = selected_order(users, run_on_commit)
    candidate = Candidate.objects.filter(order=order).first()
    request = RequestFactory().get("/")
    request.user = users.staff
    html = Template('{% include "mobilization/_reservist_decisions.html" %}').render(
        Context({"reservist": candidate.reservist, "request": request})
    )
    assert order.title in html
    dashboard = logged_in(users.staff).get("/")
    assert dashboard.status_code == 200


def test_reservist_decisions_show_only_candidacies_and_orders_in_the_users_scope(users):
    from django.template import Context, Template
    from django.test import RequestFactory

    from core.models import Region

    person = make_reservist()  # 板橋 (220), 新北市
    banqiao = Region.objects.get(code="220")

    def order(title, report_date, target):
        o = CallUpOrder.objects.create(
            mobilization_type="educational", title=title, report_date=report_date, days=5, quota=1, status="selected"
        )
        if target:
            o.target_regions.set([Region.objects.get(code=target)])
        Candidate.objects.create(
            order=o, reservist=person, township=banqiao, decision="eligible", policy_version=1, rank=1
        )
        return o

    order("板橋梯次", D(2024, 3, 1), "220")
    order("全國梯次", D(2025, 3, 1), None)
    order("臺北梯次 (added by hand)", D(2026, 3, 1), "100")  # aimed at 臺北: not the 新北 office's order

    def section(user, limit=10):
        request = RequestFactory().get("/")
        request.user = user
        template = Template(
            "{% load mobilization_tags %}{% recent_decisions reservist limit as rows %}"
            "{% for c in rows %}{{ c.order.title }}|{% endfor %}"
        )
        return template.render(Context({"reservist": person, "request": request, "limit": limit}))

    assert section(users.staff) == "臺北梯次 (added by hand)|全國梯次|板橋梯次|"
    assert section(users.staff, limit=2) == "臺北梯次 (added by hand)|全國梯次|"
    assert section(users.county_a) == "全國梯次|板橋梯次|"
    assert section(users.township) == ""  # a township office reads orders, not candidates
    assert section(users.county_b) == ""  # the candidacies are in 新北
    assert section(users.agency) == ""  # no view_candidate
    # An order aimed at the whole county concerns its townships' offices (the scope's enclosing counties).
    county_wide = order("新北梯次", D(2023, 3, 1), "TW-NWT")
    assert section(users.county_a) == "全國梯次|板橋梯次|新北梯次|"
    assert CallUpOrder.objects.for_user(users.township).filter(pk=county_wide.pk).exists()
    assert not CallUpOrder.objects.for_user(users.county_b).filter(pk=county_wide.pk).exists()
