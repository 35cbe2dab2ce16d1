"""The order form applies the law before saving (issue 18 items 3, 6), the approver sees the shortfall, the raised
limits and the drafter's comment, irreversible steps need their own reason, and jobs are named in words."""

import datetime

import pytest
from django.urls import reverse

from core.jobs import create_job
from core.models import AuditEvent, Region
from core.testing import api_client, logged_in
from mobilization import services
from mobilization.models import CallUpOrder

from .helpers import make_reservist

pytestmark = pytest.mark.django_db
D = datetime.date


def form_data(**kw):
    data = {
        "mobilization_type": "educational",
        "title": "教育召集 30日",
        "report_date": "2024-06-03",  # "today" is 2024-01-01 in this app's tests (conftest)
        "days": 30,
        "quota": 40,
        "target_regions": [Region.objects.get(code="TW-NWT").pk],
    }
    data.update(kw)
    return data


def post_form(user, **kw):
    return logged_in(user).post(reverse("mobilization:order-create"), form_data(**kw))


def test_thirty_educational_days_are_refused_citing_article_27_beside_the_field_and_in_a_banner(users):
    response = post_form(users.staff)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="order-refusals"' in page and 'role="alert"' in page
    banner = page[page.index('id="order-refusals"') : page.index("</div>", page.index('id="order-refusals"'))]
    assert "第27條" in banner and 'data-field="days"' in banner and "20" in banner
    days_field = page[page.index('for="id_days"') : page.index('for="id_wartime"')]
    assert "第27條" in days_field and 'class="error"' in days_field
    assert not CallUpOrder.objects.exists()


def test_raising_the_days_by_military_needs_with_its_justification_is_saved(users):
    response = post_form(users.staff, override_max_days=30, override_justification="防空部隊演訓需要")
    assert response.status_code == 302, response.content.decode()[:3000]
    assert CallUpOrder.objects.get().days == 30
    # a raised limit that raises nothing is refused (the policy already allows 20 days)
    again = post_form(users.staff, title="x", days=14, override_max_days=25, override_justification="需要")
    assert again.status_code == 302
    low = post_form(users.staff, title="y", days=14, override_max_days=10, override_justification="需要")
    assert low.status_code == 200 and "第27條" in low.content.decode()
    assert 'data-field="override_max_days"' in low.content.decode()


def test_roll_call_of_two_days_is_refused_citing_article_28(users):
    page = post_form(users.staff, mobilization_type="roll_call", days=2).content.decode()
    assert "第28條" in page and not CallUpOrder.objects.exists()


def test_a_report_date_in_the_past_is_refused(users):
    page = post_form(users.staff, days=14, report_date="2023-12-31").content.decode()
    assert 'data-code="order.report_date_past"' in page and "民國112年12月31日" in page
    assert not CallUpOrder.objects.exists()


def test_general_mobilization_needs_the_presidents_order_in_the_form(users):
    page = post_form(users.staff, mobilization_type="general", days=30).content.decode()
    assert "第25條" in page and 'data-field="order_reference"' in page
    ok = post_form(users.staff, mobilization_type="general", days=30, order_reference="華總一義字第11300001號")
    assert ok.status_code == 302


def test_the_api_refuses_the_same_with_the_article(users):
    body = {**form_data(), "target_regions": ["TW-NWT"]}
    response = api_client(users.staff).post("/api/mobilization/orders/", body, format="json")
    assert response.status_code == 400
    assert "days" in response.json()
    assert [r["article"] for r in response.json()["reasons"]] == ["27"]


def test_the_real_today_is_the_limit(users, monkeypatch):
    monkeypatch.undo()  # the app's fixed "today" off: the real date decides
    yesterday = datetime.date.today() - datetime.timedelta(days=1)
    page = post_form(users.staff, days=14, report_date=yesterday.isoformat()).content.decode()
    assert 'data-code="order.report_date_past"' in page


def submitted_order(users, run_on_commit, comment="請核示：板橋人力吃緊"):
    for i in range(3):
        make_reservist(retired=D(2019, 1, 1 + i))
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="教育召集",
        report_date=D(2024, 3, 15),
        days=14,
        quota=40,
        created_by=users.staff,
        override_max_times=6,
        override_justification="防空部隊演訓需要",
    )
    run_on_commit(services.start_selection, user=users.staff, order=order)
    order.refresh_from_db()
    services.submit(user=users.staff, order=order, comment=comment)
    order.refresh_from_db()
    return order


def test_the_approver_sees_the_comment_the_shortfall_and_the_overrides(users, run_on_commit):
    order = submitted_order(users, run_on_commit)
    assert order.submission_comment == "請核示：板橋人力吃緊"
    page = logged_in(users.approver).get(reverse("mobilization:order-approval", args=[order.pk])).content.decode()
    assert 'id="submission-comment"' in page and "請核示：板橋人力吃緊" in page
    assert 'id="shortfall-banner"' in page and "僅 3 人可召集，不足 37 人" in page
    assert "3 / 40 人" in page
    assert "防空部隊演訓需要" in page and 'id="overrides"' in page


def test_reject_and_cancel_need_their_own_reason_which_the_audit_event_keeps(users, run_on_commit):
    order = submitted_order(users, run_on_commit)
    url = reverse("mobilization:order-action", args=[order.pk, "reject"])
    approver = logged_in(users.approver)
    page = approver.get(reverse("mobilization:order-approval", args=[order.pk])).content.decode()
    assert 'id="reject-form"' in page and 'name="reason"' in page and "data-confirm" in page
    approver.post(url, {"comment": "看起來可以"})  # the approve box's comment is not a reason
    order.refresh_from_db()
    assert order.status == "submitted"
    approver.post(url, {"reason": "員額過高"})
    order.refresh_from_db()
    assert order.status == "rejected"
    event = AuditEvent.objects.filter(event="mobilization.order.rejected", object_id=order.pk).get()
    assert event.message == "員額過高"
    staff = logged_in(users.staff)
    detail = staff.get(reverse("mobilization:order-detail", args=[order.pk])).content.decode()
    form = detail[detail.index('id="cancel-form"') :]
    assert 'name="reason"' in form and "data-confirm" in form and 'id="do-submit"' not in form
    cancel = reverse("mobilization:order-action", args=[order.pk, "cancel"])
    staff.post(cancel, {"comment": ""})
    order.refresh_from_db()
    assert order.status == "rejected"
    staff.post(cancel, {"reason": "年度計畫取消"})
    order.refresh_from_db()
    assert order.status == "cancelled"
    assert AuditEvent.objects.get(event="mobilization.order.cancelled", object_id=order.pk).message == "年度計畫取消"


def test_jobs_are_named_in_words_with_a_link_back(users, run_on_commit):
    order = CallUpOrder.objects.create(
        mobilization_type="educational", title="板橋梯次", report_date=D(2024, 3, 15), days=14, quota=1
    )
    job = create_job("mobilization.issue", users.staff, params={"order": order.pk})
    page = logged_in(users.staff).get(reverse("core:job-detail", args=[job.pk])).content.decode()
    assert "mobilization.issue" not in page and "召集令" in page and "板橋梯次" in page
    assert f'href="{reverse("mobilization:order-detail", args=[order.pk])}#notices"' in page
    assert "queued" not in page.lower().replace('data-job-status="queued"', "")
    data = api_client(users.staff).get(f"/api/jobs/{job.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hant").json()
    assert data["status"] == "queued" and data["status_display"] != "queued"
    assert data["subject"] == "板橋梯次" and data["subject_url"].endswith("#notices")
