"""Call-up orders through the API: fields, states, four eyes, Art. 25, selection, candidates, scope."""

import datetime

import pytest

from core.models import AuditEvent
from core.testing import ScopedAPIContract, api_client
from mobilization.models import CallUpOrder, Candidate

from .helpers import grant, make_reservist, serve

pytestmark = pytest.mark.django_db
URL = "/api/mobilization/orders/"
D = datetime.date


def order_body(**kw):
    body = {
        "mobilization_type": "educational",
        "title": "114年教育召集 板橋梯次",
        "legal_basis": "後備軍人召集條例",
        "order_reference": "",
        "report_date": "2024-03-15",
        "days": 14,
        "wartime": False,
        "quota": 2,
        "target_regions": ["220"],
        "target_branches": [],
        "target_categories": [],
    }
    body.update(kw)
    return body


def create(user, **kw):
    response = api_client(user).post(URL, order_body(**kw), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def act(user, order_id, name, comment="", run_on_commit=None):
    client = api_client(user)

    def call():
        return client.post(f"{URL}{order_id}/{name}/", {"comment": comment}, format="json")

    return run_on_commit(call) if run_on_commit else call()


def registry():
    people = {
        "fresh": make_reservist(retired=D(2020, 1, 1)),
        "old": make_reservist(retired=D(2010, 1, 1)),
        "judge": make_reservist(retired=D(2019, 1, 1)),
        "student": make_reservist(retired=D(2018, 1, 1)),
        "busy": make_reservist(retired=D(2021, 1, 1)),
        "elsewhere": make_reservist(retired=D(2020, 1, 1), township_code="100"),
    }
    grant(people["judge"], "art29.3", D(2019, 1, 1))
    grant(people["student"], "art30.2", D(2019, 1, 1))
    for i in range(4):
        serve(people["busy"], "duty", D(2022, 1, 1 + i), 3)
    return people


def test_fields_and_defaults(users):
    data = create(users.staff, target_regions=["TW-NWT", "220"])
    for field in [
        "id",
        "mobilization_type",
        "title",
        "legal_basis",
        "order_reference",
        "report_date",
        "days",
        "wartime",
        "quota",
        "target_regions",
        "target_branches",
        "target_categories",
        "status",
    ]:
        assert field in data
    assert data["status"] == "draft"
    assert sorted(data["target_regions"]) == ["220", "TW-NWT"]
    patched = api_client(users.staff).patch(f"{URL}{data['id']}/", {"quota": 5}, format="json")
    assert patched.status_code == 200 and patched.json()["quota"] == 5


def test_full_flow_two_users(users, run_on_commit):
    people = registry()
    order = create(users.staff)
    selected = act(users.staff, order["id"], "select", "go", run_on_commit)
    assert selected.status_code == 200, selected.content
    assert selected.json()["status"] in ("selecting", "selected")  # the job runs after the commit
    assert api_client(users.staff).get(f"{URL}{order['id']}/").json()["status"] == "selected"

    response = api_client(users.staff).get(f"{URL}{order['id']}/candidates/")
    data = response.json()
    assert data["count"] == 5  # 100 臺北市 is outside the target
    by_id = {row["reservist"]: row for row in data["results"]}
    assert by_id[people["fresh"].pk]["decision"] == "eligible"
    assert by_id[people["old"].pk]["decision"] == "ineligible"
    assert by_id[people["old"].pk]["reasons"][0]["article"] == "27"
    assert by_id[people["judge"].pk]["decision"] == "successive"
    assert by_id[people["student"].pk]["decision"] == "later"
    assert by_id[people["busy"].pk]["decision"] == "ineligible"
    assert by_id[people["fresh"].pk]["rank"] == 1
    assert by_id[people["student"].pk]["rank"] == 2
    assert by_id[people["judge"].pk]["rank"] is None
    later = api_client(users.staff).get(f"{URL}{order['id']}/candidates/?decision=later").json()
    assert later["count"] == 1 and later["results"][0]["reservist"] == people["student"].pk

    assert act(users.staff, order["id"], "submit", "please").json()["status"] == "submitted"
    # Staff may not approve (and in any case drafted it); another approver can.
    refused = act(users.staff, order["id"], "approve")
    assert refused.status_code in (403, 409)
    approved = act(users.approver, order["id"], "approve", "ok")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    messages = list(
        AuditEvent.objects.filter(table_name="mobilization_calluporder", object_id=order["id"], action="event")
        .order_by("id")
        .values_list("message", flat=True)
    )
    assert "go" in messages and "please" in messages and "ok" in messages


def test_same_person_cannot_approve(users, run_on_commit):
    from django.contrib.auth.models import Group

    from core.accounts import provision_user

    registry()
    both = provision_user("t_both", "mnd_staff", password="x", check_password=False)
    both.groups.add(Group.objects.get(name="mnd_approver"))
    order = create(both)
    act(both, order["id"], "select", "", run_on_commit)
    act(both, order["id"], "submit")
    response = act(both, order["id"], "approve")
    assert response.status_code == 409
    assert response.json()["reasons"][0]["code"] == "order.same_person"
    assert CallUpOrder.objects.get(pk=order["id"]).status == "submitted"
    # Nor the submitter, when another drafted it.
    other = create(users.staff)
    act(users.staff, other["id"], "select", "", run_on_commit)
    act(both, other["id"], "submit")
    assert act(both, other["id"], "approve").status_code == 409
    assert act(users.approver, other["id"], "reject", "quota too high").json()["status"] == "rejected"


def test_role_not_allowed_is_403_and_changes_nothing(users, run_on_commit):
    registry()
    order = create(users.staff)
    act(users.staff, order["id"], "select", "", run_on_commit)
    assert act(users.approver, order["id"], "submit").status_code == 403
    assert act(users.county_a, order["id"], "cancel").status_code == 403
    assert act(users.nobody, order["id"], "cancel").status_code == 403
    assert api_client(users.approver).post(URL, order_body(), format="json").status_code == 403
    assert CallUpOrder.objects.get(pk=order["id"]).status == "selected"


def test_wrong_state_is_409_and_changes_nothing(users):
    order = create(users.staff)
    response = act(users.staff, order["id"], "submit")
    assert response.status_code == 409
    assert act(users.approver, order["id"], "approve").status_code == 409
    assert CallUpOrder.objects.get(pk=order["id"]).status == "draft"
    assert act(users.staff, order["id"], "cancel", "not needed").json()["status"] == "cancelled"
    assert act(users.staff, order["id"], "select").status_code == 409


def test_general_mobilization_needs_the_presidents_order(users, run_on_commit):
    registry()
    # The form and the API refuse a General Mobilization without the President's order (Art. 25) up front …
    refused = api_client(users.staff).post(URL, order_body(mobilization_type="general", days=30), format="json")
    assert refused.status_code == 400
    assert [r["article"] for r in refused.json()["reasons"]] == ["25"]
    assert "order_reference" in refused.json()
    assert not CallUpOrder.objects.exists()
    # … and submitting still refuses one that lacks it (a record written by other means).
    order = create(users.staff, mobilization_type="general", days=30, order_reference="華總一義字第11300001號")
    act(users.staff, order["id"], "select", "", run_on_commit)
    CallUpOrder.objects.filter(pk=order["id"]).update(order_reference="")
    response = act(users.staff, order["id"], "submit")
    assert response.status_code == 400
    assert response.json()["reasons"][0]["article"] == "25"
    assert CallUpOrder.objects.get(pk=order["id"]).status == "selected"
    api_client(users.staff).patch(f"{URL}{order['id']}/", {"order_reference": "華總一義字第11300001號"}, format="json")
    assert CallUpOrder.objects.get(pk=order["id"]).status == "draft"  # an edit makes the selection stale
    act(users.staff, order["id"], "select", "", run_on_commit)
    assert act(users.staff, order["id"], "submit").json()["status"] == "submitted"


def test_overrides_need_justification_and_are_cited(users, run_on_commit):
    bad = api_client(users.staff).post(URL, order_body(override_max_times=6), format="json")
    assert bad.status_code == 400 and "override_justification" in bad.json()
    people = registry()
    order = create(users.staff, override_max_times=6, override_justification="Air-defence crews needed")
    act(users.staff, order["id"], "select", "", run_on_commit)
    rows = api_client(users.staff).get(f"{URL}{order['id']}/candidates/").json()["results"]
    busy = next(r for r in rows if r["reservist"] == people["busy"].pk)
    assert busy["decision"] == "eligible"
    assert busy["reasons"][0]["code"] == "art27.count_override"


def test_exclude_and_add_with_reason(users, run_on_commit):
    people = registry()
    outsider = make_reservist(retired=D(2020, 6, 1), township_code="221")
    order = create(users.staff)
    act(users.staff, order["id"], "select", "", run_on_commit)
    client = api_client(users.staff)
    missing = client.post(f"{URL}{order['id']}/candidates/exclude/", {"reservist": people["fresh"].pk}, format="json")
    assert missing.status_code == 400
    done = client.post(
        f"{URL}{order['id']}/candidates/exclude/",
        {"reservist": people["fresh"].pk, "reason": "hospitalised"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["excluded"] is True
    added = client.post(
        f"{URL}{order['id']}/candidates/add/",
        {"reservist": outsider.pk, "reason": "volunteer, specialist"},
        format="json",
    )
    assert added.status_code == 201, added.content
    assert added.json()["added_manually"] is True and added.json()["decision"] == "eligible"
    order_obj = CallUpOrder.objects.get(pk=order["id"])
    assert order_obj.summary["counts"]["excluded"] == 1
    assert order_obj.summary["counts"]["total"] == 6
    messages = " ".join(
        AuditEvent.objects.filter(object_id=order["id"], action="event").values_list("message", flat=True)
    )
    assert "hospitalised" in messages and "volunteer" in messages


def test_local_gov_reads_only_its_area(users, run_on_commit):
    registry()
    mine = create(users.staff)
    theirs = create(users.staff, target_regions=["100"])
    act(users.staff, mine["id"], "select", "", run_on_commit)
    client = api_client(users.county_a)
    ids = {o["id"] for o in client.get(URL).json()["results"]}
    assert mine["id"] in ids and theirs["id"] not in ids
    assert client.get(f"{URL}{theirs['id']}/").status_code == 404
    assert client.get(f"{URL}{mine['id']}/candidates/").json()["count"] == 5
    assert api_client(users.county_b).get(f"{URL}{mine['id']}/candidates/").status_code == 404
    assert client.patch(f"{URL}{mine['id']}/", {"quota": 9}, format="json").status_code == 403


def test_candidate_list_query_count(users, run_on_commit, django_assert_max_num_queries):
    registry()
    order = create(users.staff)
    act(users.staff, order["id"], "select", "", run_on_commit)
    client = api_client(users.staff)
    with django_assert_max_num_queries(8):
        assert client.get(f"{URL}{order['id']}/candidates/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(URL).status_code == 200
    assert Candidate.objects.filter(order_id=order["id"]).count() == 5


class TestOrderContract(ScopedAPIContract):
    allowed = "county_a"
    list_url = URL

    def make_object(self, county):
        order = CallUpOrder.objects.create(
            mobilization_type="educational", title="t", report_date=D(2024, 1, 1), days=5, quota=1
        )
        order.target_regions.set([county])
        return order

    def detail_url(self, obj):
        return f"{URL}{obj.pk}/"
