"""CI pages: contracts (anonymous, 403, 404, allowed), the registry filters, matrix, map, overdue, plan approval."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.testing import COUNTY_A, COUNTY_B, ScopedViewContract, logged_in

from ..choices import PlanStatus
from ..models import Asset, ProtectionPlan, Sector
from ..services import record_assessment
from .factories import depend, make_asset, make_plan

pytestmark = pytest.mark.django_db


class TestAssetDetailPage(ScopedViewContract):
    allowed = "agency"

    def make_object(self, county):
        return make_asset(county)

    def url(self, obj):
        return reverse("cip:asset-detail", args=[obj.pk])


class TestAssetDetailPageForCounty(ScopedViewContract):
    allowed = "county_a"

    def make_object(self, county):
        return make_asset(county)

    def url(self, obj):
        return reverse("cip:asset-detail", args=[obj.pk])


class TestAssetEditPage(ScopedViewContract):
    allowed = "agency"

    def make_object(self, county):
        return make_asset(county)

    def url(self, obj):
        return reverse("cip:asset-update", args=[obj.pk])


class TestAssessmentPage(ScopedViewContract):
    allowed = "agency"

    def make_object(self, county):
        return make_asset(county)

    def url(self, obj):
        return reverse("cip:assessment-create", args=[obj.pk])


class TestPlanPage(ScopedViewContract):
    allowed = "agency"

    def make_object(self, county):
        return make_plan(make_asset(county))

    def url(self, obj):
        return reverse("cip:plan-detail", args=[obj.pk])


def test_local_gov_cannot_edit(users):
    asset = make_asset(COUNTY_A)
    assert logged_in(users.county_a).get(reverse("cip:asset-update", args=[asset.pk])).status_code == 403


def test_registry_filters_and_scope(users):
    water = Sector.objects.get(code="water")
    a1 = make_asset(COUNTY_A, name="Power A", level=1)
    a2 = make_asset(COUNTY_A, name="Water A", sector=water, level=2)
    b1 = make_asset(COUNTY_B, name="Power B", level=1)
    record_assessment(user=users.staff, asset=a1, scenario="military_strike", likelihood=5, impact=5)
    client = logged_in(users.staff)
    url = reverse("cip:asset-list")

    def names(query=""):
        return [a.name for a in client.get(url + query).context["object_list"]]

    assert set(names()) == {"Power A", "Water A", "Power B"}
    assert names("?sector=water") == ["Water A"]
    assert set(names("?level=1")) == {"Power A", "Power B"}
    assert set(names(f"?county={COUNTY_A}")) == {"Power A", "Water A"}
    assert names("?risk_level=critical") == ["Power A"]
    assert names("?likelihood=5&impact=5") == ["Power A"]
    # an agency only sees its own organisation's assets
    agency_names = [a.name for a in logged_in(users.agency).get(url).context["object_list"]]
    assert set(agency_names) == {"Power A", "Water A"}
    assert a2.pk and b1.pk


def test_asset_page_shows_dependencies_cascade_and_history(users):
    c = make_asset(COUNTY_A, name="Substation C")
    b = make_asset(COUNTY_A, name="Water works B")
    a = make_asset(COUNTY_A, name="Hospital A")
    depend(a, b, "water")
    depend(b, c, "power")
    record_assessment(user=users.agency, asset=c, scenario="cyber_attack", likelihood=3, impact=4)
    response = logged_in(users.agency).get(reverse("cip:asset-detail", args=[c.pk]))
    content = response.content.decode()
    assert [(r.asset.pk, r.depth) for r in response.context["cascade"].affected] == [(b.pk, 1), (a.pk, 2)]
    assert 'data-depth="2"' in content and "Hospital A" in content
    assert "Water works B" in content  # needed by
    assert response.context["assessments"][0].risk_level == "high"


def test_risk_matrix_cell_counts_and_click_through(users):
    a = make_asset(COUNTY_A)
    b = make_asset(COUNTY_A)
    make_asset(COUNTY_B)
    record_assessment(user=users.staff, asset=a, scenario="sabotage", likelihood=4, impact=2)
    record_assessment(user=users.staff, asset=b, scenario="sabotage", likelihood=4, impact=2)
    other = Asset.objects.filter(township__parent__code=COUNTY_B).get()
    record_assessment(user=users.staff, asset=other, scenario="sabotage", likelihood=4, impact=2)
    response = logged_in(users.agency).get(reverse("cip:risk-matrix"))
    cells = {(c["likelihood"], c["impact"]): c for _, row in response.context["rows"] for c in row}
    assert cells[(4, 2)]["count"] == 2  # agency B's asset is not counted
    assert cells[(4, 2)]["level"] == "medium"
    assert sum(c["count"] for c in cells.values()) == 2
    listed = logged_in(users.agency).get(cells[(4, 2)]["url"]).context["object_list"]
    assert {x.pk for x in listed} == {a.pk, b.pk}


def test_map_is_svg_with_county_counts(users):
    make_asset(COUNTY_A)
    make_asset(COUNTY_A)
    make_asset(COUNTY_B)
    response = logged_in(users.county_a).get(reverse("cip:map"))
    content = response.content.decode()
    assert "<svg" in content
    assert 'data-code="TW-NWT" data-value="2"' in content
    assert 'data-code="TW-TPE" data-value=""' in content  # county B's asset is not counted for county A
    staff = logged_in(users.staff).get(reverse("cip:map")).content.decode()
    assert 'data-code="TW-TPE" data-value="1"' in staff
    assert 'data-code="TW-PEN" data-value="0"' in staff  # nationwide: a county without assets is zero


def test_overdue_list(users):
    today = timezone.localdate()
    never = make_asset(COUNTY_A, name="Never assessed", level=1)
    Asset.objects.filter(pk=never.pk).update(assessment_due_on=today - timedelta(days=1))
    fresh = make_asset(COUNTY_A, name="Fresh", level=1)
    record_assessment(user=users.agency, asset=fresh, scenario="other", likelihood=1, impact=1)
    old = make_asset(COUNTY_A, name="Old level 1", level=1)
    record_assessment(
        user=users.agency, asset=old, scenario="other", likelihood=1, impact=1, assessed_on=today - timedelta(days=400)
    )
    old3 = make_asset(COUNTY_A, name="Old level 3", level=3)
    record_assessment(
        user=users.agency, asset=old3, scenario="other", likelihood=1, impact=1, assessed_on=today - timedelta(days=400)
    )
    theirs = make_asset(COUNTY_B, name="Theirs", level=1)
    Asset.objects.filter(pk=theirs.pk).update(assessment_due_on=today - timedelta(days=1))
    response = logged_in(users.agency).get(reverse("cip:overdue"))
    assert [a.name for a in response.context["object_list"]] == ["Old level 1", "Never assessed"]
    old.refresh_from_db()
    assert old.assessment_due_on == today - timedelta(days=400) + timedelta(days=365)
    # raising the level shortens the interval
    old3.refresh_from_db()
    old3.level = 1
    old3.save()
    assert old3.is_overdue


def test_level1_plan_page_cannot_skip_approval(users):
    asset = make_asset(COUNTY_A, level=1)
    plan = make_plan(asset)
    agency = logged_in(users.agency)
    url = reverse("cip:plan-detail", args=[plan.pk])
    assert "approve-plan" not in agency.get(url).content.decode()
    # approving a draft through the page is refused
    logged_in(users.approver).post(reverse("cip:plan-transition", args=[plan.pk, "approve"]))
    assert ProtectionPlan.objects.get(pk=plan.pk).status == PlanStatus.DRAFT
    # the agency cannot approve
    agency.post(reverse("cip:plan-transition", args=[plan.pk, "submit"]))
    assert ProtectionPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    assert agency.post(reverse("cip:plan-transition", args=[plan.pk, "approve"])).status_code == 403
    assert ProtectionPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED
    approver = logged_in(users.approver)
    assert "approve-plan" in approver.get(url).content.decode()
    approver.post(reverse("cip:plan-transition", args=[plan.pk, "approve"]), {"comment": "OK"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.approved_by == users.approver


def test_agency_creates_asset_and_assessment_through_pages(users):
    from core.models import Organisation, Region

    client = logged_in(users.agency)
    org = Organisation.objects.get(code="t-agency-a")
    response = client.post(
        reverse("cip:asset-create"),
        {
            "name": "Banqiao telecom hub",
            "sector": Sector.objects.get(code="communications").pk,
            "level": 1,
            "status": "operational",
            "operator": org.pk,
            "ministry": "moda",
            "township": Region.objects.get(code="220").pk,
            "latitude": "25.01",
            "longitude": "121.46",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    asset = Asset.objects.get(name="Banqiao telecom hub")
    response = client.post(
        reverse("cip:assessment-create", args=[asset.pk]),
        {"scenario": "cyber_attack", "likelihood": 4, "impact": 5, "assessed_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.risk_level == "critical"


def test_sectors_editable_by_admin_only(users):
    url = reverse("cip:sector-update", args=["energy"])
    assert logged_in(users.staff).get(url).status_code == 403
    response = logged_in(users.admin).post(url, {"name_zh": "能源", "name_en": "Energy (edited)", "sort_order": 1})
    assert response.status_code == 302
    assert Sector.objects.get(code="energy").name_en == "Energy (edited)"


def test_registry_query_count_is_pinned(users, django_assert_max_num_queries):
    for _i in range(30):
        make_asset(COUNTY_A)
    client = logged_in(users.staff)
    client.get(reverse("cip:asset-list"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("cip:asset-list"))
    assert len(response.context["object_list"]) == 30


def test_dashboard_panel(users):
    make_asset(COUNTY_A)
    response = logged_in(users.agency).get("/")
    assert "cip:" not in response.content.decode()
    titles = [p.title for p in response.context["panels"]]
    assert any(t == "關鍵基礎設施" or t == "Critical infrastructure" for t in titles)


def test_overdue_and_matrix_query_counts_are_pinned(users, django_assert_max_num_queries):
    for _i in range(20):
        asset = make_asset(COUNTY_A, level=1)
        Asset.objects.filter(pk=asset.pk).update(assessment_due_on=timezone.localdate() - timedelta(days=3))
    client = logged_in(users.agency)
    client.get(reverse("cip:overdue"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("cip:overdue"))
    assert len(response.context["object_list"]) == 20
    with django_assert_max_num_queries(20):
        client.get(reverse("cip:risk-matrix"))
    with django_assert_max_num_queries(20):
        client.get(reverse("cip:map"))


def test_cascade_kinds_are_the_edges_from_the_level_before(users):
    from ..services import cascade

    root = make_asset(COUNTY_A)
    mid = make_asset(COUNTY_A)
    leaf = make_asset(COUNTY_A)
    depend(mid, root, "power")
    depend(leaf, mid, "water")
    depend(leaf, root, "communications")  # leaf is also hit directly: depth 1, via communications
    result = cascade(root, users.staff)
    assert [(r.asset.pk, r.depth, r.kinds) for r in result.affected] == [
        (mid.pk, 1, ["power"]),
        (leaf.pk, 1, ["communications"]),
    ]


BUTTONS = {"submit": 'id="submit-plan"', "approve": 'id="approve-plan"', "return": 'id="return-plan"'}


def test_plan_buttons_are_exactly_what_check_allows_for_every_role_and_state(users):
    """Issue 17: the page decides its buttons from the actions' check(), never from its own copy of the rules."""
    from core.actions import allowed
    from core.models import AuditEvent

    from ..actions import PLAN_ACTIONS

    asset = make_asset(COUNTY_A, level=1)
    plan = make_plan(asset)
    people = [users.agency, users.approver, users.approver2, users.county_a, users.auditor, users.staff]
    url = reverse("cip:plan-detail", args=[plan.pk])

    def compare():
        plan.refresh_from_db()
        for user in people:
            response = logged_in(user).get(url)
            if response.status_code != 200:
                continue
            page = response.content.decode()
            shown = {name for name, marker in BUTTONS.items() if marker in page}
            if "Reopen for revision" in page or "重新開啟修訂" in page:
                shown.add("reopen")
            assert shown == allowed(user, plan, PLAN_ACTIONS), (plan.status, user.username)

    compare()  # draft
    logged_in(users.agency).post(reverse("cip:plan-transition", args=[plan.pk, "submit"]))
    compare()  # submitted: approvers see approve/return, the submitter never does
    logged_in(users.approver).post(reverse("cip:plan-transition", args=[plan.pk, "approve"]), {"comment": "OK"})
    compare()  # approved: reopen only
    names = list(
        AuditEvent.objects.filter(object_id=plan.pk, event__startswith="cip.plan.").values_list("event", "message")
    )
    assert names == [("cip.plan.approved", "OK"), ("cip.plan.submitted", "")]
