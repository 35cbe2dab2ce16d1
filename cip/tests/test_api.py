"""The CI API: scope (agency A vs agency B), contracts, cascade, assessments, plan approval."""

import pytest

from core.models import Organisation
from core.testing import COUNTY_A, COUNTY_B, ScopedAPIContract, api_client

from ..choices import PlanStatus
from ..models import Asset, Dependency, ProtectionPlan, RiskAssessment, Sector
from .factories import depend, make_asset, make_plan

pytestmark = pytest.mark.django_db


class TestAssetAPIForAgency(ScopedAPIContract):
    allowed = "agency"
    list_url = "/api/cip/assets/"

    def make_object(self, county):
        return make_asset(county)

    def detail_url(self, obj):
        return f"/api/cip/assets/{obj.pk}/"


class TestAssetAPIForCounty(ScopedAPIContract):
    allowed = "county_a"
    list_url = "/api/cip/assets/"

    def make_object(self, county):
        return make_asset(county)

    def detail_url(self, obj):
        return f"/api/cip/assets/{obj.pk}/"


class TestAssessmentAPIForAgency(ScopedAPIContract):
    allowed = "agency"
    list_url = "/api/cip/assessments/"

    def make_object(self, county):
        from django.contrib.auth import get_user_model

        from ..services import record_assessment

        asset = make_asset(county)
        admin = get_user_model().objects.get(username="t_staff")
        return record_assessment(user=admin, asset=asset, scenario="cyber_attack", likelihood=2, impact=3)

    def detail_url(self, obj):
        return f"/api/cip/assessments/{obj.pk}/"


class TestPlanAPIForAgency(ScopedAPIContract):
    allowed = "agency"
    list_url = "/api/cip/plans/"

    def make_object(self, county):
        return make_plan(make_asset(county))

    def detail_url(self, obj):
        return f"/api/cip/plans/{obj.pk}/"


class TestDependencyAPIForAgency(ScopedAPIContract):
    allowed = "agency"
    list_url = "/api/cip/dependencies/"

    def make_object(self, county):
        return depend(make_asset(county), make_asset(county))

    def detail_url(self, obj):
        return f"/api/cip/dependencies/{obj.pk}/"


def test_sectors_are_shipped_with_codes_and_names(users):
    response = api_client(users.agency).get("/api/cip/sectors/")
    assert response.status_code == 200
    rows = response.json()
    assert len(rows) == 8
    energy = next(r for r in rows if r["code"] == "energy")
    assert energy["name"] == "能源"
    assert {s["code"] for s in energy["subsectors"]} == {"energy-electricity", "energy-oil", "energy-gas"}
    transport = next(r for r in rows if r["code"] == "transportation")
    assert len(transport["subsectors"]) == 4


def test_asset_fields(users):
    asset = make_asset(COUNTY_A, name="林口發電廠", level=1)
    row = api_client(users.staff).get(f"/api/cip/assets/{asset.pk}/").json()
    assert row["name"] == "林口發電廠"
    assert row["sector"] == "energy"
    assert row["level"] == 1
    assert row["operator"] == asset.operator_id
    assert row["township"] == asset.township.code
    assert row["latitude"] == "25.01000" and row["longitude"] == "121.46000"


def test_agency_b_cannot_see_agency_a_asset_nor_its_assessments_and_plans(users):
    from ..services import record_assessment

    asset = make_asset(COUNTY_A)
    assessment = record_assessment(user=users.agency, asset=asset, scenario="sabotage", likelihood=3, impact=3)
    plan = make_plan(asset)
    client_b = api_client(users.agency_b)
    assert client_b.get(f"/api/cip/assets/{asset.pk}/").status_code == 404
    assert client_b.get(f"/api/cip/assets/{asset.pk}/cascade/").status_code == 404
    assert client_b.get(f"/api/cip/assessments/{assessment.pk}/").status_code == 404
    assert client_b.get(f"/api/cip/plans/{plan.pk}/").status_code == 404
    assert client_b.get(f"/api/cip/assessments/?asset={asset.pk}").json()["count"] == 0
    assert client_b.get("/api/cip/plans/").json()["count"] == 0
    # nor write to them
    response = client_b.patch(f"/api/cip/assets/{asset.pk}/", {"name": "hijacked"}, format="json")
    assert response.status_code == 404
    response = client_b.post(
        "/api/cip/assessments/", {"asset": asset.pk, "scenario": "other", "likelihood": 5, "impact": 5}, format="json"
    )
    assert response.status_code == 400
    asset.refresh_from_db()
    assert asset.name != "hijacked"
    assert RiskAssessment.objects.filter(asset=asset).count() == 1


def test_agency_creates_own_asset_but_not_for_another_operator(users):
    client = api_client(users.agency)
    own = Organisation.objects.get(code="t-agency-a")
    other = Organisation.objects.get(code="t-agency-b")
    body = {
        "name": "新店淨水場",
        "sector": "water",
        "subsector": "water-supply",
        "level": 2,
        "operator": own.pk,
        "ministry": "moea",
        "township": "231",
        "latitude": "24.96",
        "longitude": "121.53",
    }
    response = client.post("/api/cip/assets/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["township"] == "231"
    response = client.post("/api/cip/assets/", {**body, "operator": other.pk}, format="json")
    assert response.status_code == 400
    assert "operator" in response.json()
    assert Asset.objects.filter(operator=other).count() == 0


def test_subsector_must_belong_to_sector(users):
    body = {
        "name": "x",
        "sector": "water",
        "subsector": "energy-oil",
        "level": 2,
        "operator": Organisation.objects.get(code="t-agency-a").pk,
        "ministry": "moea",
        "township": "220",
        "latitude": "25.0",
        "longitude": "121.4",
    }
    response = api_client(users.staff).post("/api/cip/assets/", body, format="json")
    assert response.status_code == 400
    assert "subsector" in response.json()


def test_local_gov_reads_but_cannot_edit(users):
    asset = make_asset(COUNTY_A)
    client = api_client(users.county_a)
    assert client.get(f"/api/cip/assets/{asset.pk}/").status_code == 200
    assert client.patch(f"/api/cip/assets/{asset.pk}/", {"name": "x"}, format="json").status_code == 403


# ----- cascade -------------------------------------------------------------------------------------


def _chain(users):
    """A -> B -> C: A depends on B, B depends on C (so C failing affects B, then A)."""
    c = make_asset(COUNTY_A, name="C substation")
    b = make_asset(COUNTY_A, name="B water works")
    a = make_asset(
        COUNTY_A,
        name="A hospital",
        sector=Sector.objects.get(code="emergency-hospitals"),
    )
    depend(a, b, "water")
    depend(b, c, "power")
    return a, b, c


def test_cascade_of_chain_from_c(users):
    a, b, c = _chain(users)
    data = api_client(users.staff).get(f"/api/cip/assets/{c.pk}/cascade/").json()
    assert [(row["id"], row["depth"]) for row in data["affected"]] == [(b.pk, 1), (a.pk, 2)]
    assert data["affected"][0]["kinds"] == ["power"]
    assert {s["sector"] for s in data["sectors"]} == {"energy", "emergency-hospitals"}
    assert data["max_depth"] == 2


def test_cascade_the_other_way_round(users):
    a, b, c = _chain(users)
    client = api_client(users.staff)
    # A failing affects nobody: nothing depends on A.
    assert client.get(f"/api/cip/assets/{a.pk}/cascade/").json()["affected"] == []
    # B failing affects only A.
    assert [(r["id"], r["depth"]) for r in client.get(f"/api/cip/assets/{b.pk}/cascade/").json()["affected"]] == [
        (a.pk, 1)
    ]


def test_cascade_survives_cycles_and_uses_shortest_depth(users):
    a, b, c = _chain(users)
    depend(c, a, "communications")  # a cycle C -> A -> B -> C
    depend(a, c, "power")  # and a short cut: A depends on C directly
    data = api_client(users.staff).get(f"/api/cip/assets/{c.pk}/cascade/").json()
    assert sorted((r["id"], r["depth"]) for r in data["affected"]) == sorted([(a.pk, 1), (b.pk, 1)])


def test_cascade_hides_out_of_scope_assets_but_walks_through_them(users):
    c = make_asset(COUNTY_A, name="C")
    b = make_asset(COUNTY_B, name="B of agency B")
    a = make_asset(COUNTY_A, name="A")
    depend(b, c)
    depend(a, b)
    data = api_client(users.agency).get(f"/api/cip/assets/{c.pk}/cascade/").json()
    assert [(r["id"], r["depth"]) for r in data["affected"]] == [(a.pk, 2)]
    assert "B of agency B" not in str(data)


def test_agency_cannot_link_to_an_asset_it_cannot_see(users):
    mine = make_asset(COUNTY_A)
    theirs = make_asset(COUNTY_B)
    client = api_client(users.agency)
    response = client.post(
        "/api/cip/dependencies/", {"asset": mine.pk, "depends_on": theirs.pk, "kind": "power"}, format="json"
    )
    assert response.status_code == 400
    other = make_asset(COUNTY_A)
    response = client.post(
        "/api/cip/dependencies/", {"asset": mine.pk, "depends_on": other.pk, "kind": "power"}, format="json"
    )
    assert response.status_code == 201
    response = client.post(
        "/api/cip/dependencies/", {"asset": mine.pk, "depends_on": mine.pk, "kind": "water"}, format="json"
    )
    assert response.status_code == 400
    assert Dependency.objects.count() == 1


# ----- assessments -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "likelihood,impact,level,control",
    [
        (1, 1, "low", 3),
        (2, 2, "low", 3),
        (1, 5, "medium", 3),
        (3, 3, "medium", 3),
        (2, 5, "high", 2),
        (4, 4, "high", 2),
        (4, 5, "critical", 1),
        (5, 5, "critical", 1),
    ],
)
def test_assessment_lands_in_its_cell_with_computed_level(users, likelihood, impact, level, control):
    asset = make_asset(COUNTY_A)
    response = api_client(users.agency).post(
        "/api/cip/assessments/",
        {
            "asset": asset.pk,
            "scenario": "military_strike",
            "likelihood": likelihood,
            "impact": impact,
            "risk_level": "low",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    row = response.json()
    assert (row["likelihood"], row["impact"], row["risk_level"], row["control_level"]) == (
        likelihood,
        impact,
        level,
        control,
    )
    assert row["score"] == likelihood * impact
    asset.refresh_from_db()
    assert (asset.likelihood, asset.impact, asset.risk_level) == (likelihood, impact, level)
    from ..metrics import risk_matrix_counts

    assert risk_matrix_counts(users.agency) == {(likelihood, impact): 1}
    assert risk_matrix_counts(users.agency_b) == {}


def test_assessment_rating_out_of_matrix_is_refused(users):
    asset = make_asset(COUNTY_A)
    response = api_client(users.agency).post(
        "/api/cip/assessments/",
        {"asset": asset.pk, "scenario": "sabotage", "likelihood": 6, "impact": 1},
        format="json",
    )
    assert response.status_code == 400
    assert "likelihood" in response.json()
    assert not RiskAssessment.objects.exists()


# ----- plans -------------------------------------------------------------------------------------


def test_level1_plan_cannot_skip_approval(users):
    asset = make_asset(COUNTY_A, level=1)
    agency = api_client(users.agency)
    response = agency.post(
        "/api/cip/plans/",
        {
            "asset": asset.pk,
            "title": "Plan",
            "measures": "Guard",
            "next_review_on": "2027-01-01",
            "status": "approved",
            "units": [{"kind": "military", "name": "Army 269th Brigade"}],
        },
        format="json",
    )
    assert response.status_code == 201
    plan_id = response.json()["id"]
    assert response.json()["status"] == "draft"
    # PATCHing the status is ignored; approving a draft is refused
    agency.patch(f"/api/cip/plans/{plan_id}/", {"status": "approved"}, format="json")
    assert ProtectionPlan.objects.get(pk=plan_id).status == PlanStatus.DRAFT
    approver = api_client(users.approver)
    assert approver.post(f"/api/cip/plans/{plan_id}/approve/").status_code == 409
    # the agency cannot approve at all
    assert agency.post(f"/api/cip/plans/{plan_id}/submit/").json()["status"] == "submitted"
    assert agency.post(f"/api/cip/plans/{plan_id}/approve/").status_code == 403
    assert ProtectionPlan.objects.get(pk=plan_id).status == PlanStatus.SUBMITTED
    # a submitted plan cannot be edited
    assert agency.patch(f"/api/cip/plans/{plan_id}/", {"measures": "none"}, format="json").status_code == 400
    response = approver.post(f"/api/cip/plans/{plan_id}/approve/", {"comment": "ok"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["approved_by"] == users.approver.pk


def test_submitter_cannot_approve_own_plan(users):
    from core.exceptions import TransitionRefused

    from ..services import approve_plan

    asset = make_asset(COUNTY_A, level=1)
    plan = make_plan(asset)
    # a submitter who also holds the approval permission (e.g. via a second group)
    ProtectionPlan.objects.filter(pk=plan.pk).update(status="submitted", submitted_by=users.approver)
    plan.refresh_from_db()
    with pytest.raises(TransitionRefused):
        approve_plan(user=users.approver, plan=plan)
    assert ProtectionPlan.objects.get(pk=plan.pk).status == PlanStatus.SUBMITTED


def test_database_refuses_a_level1_plan_in_force_without_approval(users):
    from django.db import IntegrityError, transaction

    plan = make_plan(make_asset(COUNTY_A, level=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectionPlan.objects.filter(pk=plan.pk).update(status="approved")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProtectionPlan.objects.filter(pk=plan.pk).update(status="active", requires_approval=True)


def test_lower_level_plan_goes_in_force_on_submit(users):
    plan = make_plan(make_asset(COUNTY_A, level=2))
    response = api_client(users.agency).post(f"/api/cip/plans/{plan.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "active"


def test_approver_returns_plan_with_reason(users):
    plan = make_plan(make_asset(COUNTY_A, level=1))
    api_client(users.agency).post(f"/api/cip/plans/{plan.pk}/submit/")
    approver = api_client(users.approver)
    assert approver.post(f"/api/cip/plans/{plan.pk}/return/", {"comment": ""}, format="json").status_code == 400
    response = approver.post(f"/api/cip/plans/{plan.pk}/return/", {"comment": "add drills"}, format="json")
    assert response.json()["status"] == "draft"
    assert response.json()["decision_comment"] == "add drills"


def test_list_query_counts_are_pinned(users, django_assert_max_num_queries):
    for _i in range(15):
        asset = make_asset(COUNTY_A)
        make_plan(asset, units=2)
    client = api_client(users.agency)
    client.get("/api/cip/assets/")  # warm caches (content types, permissions)
    with django_assert_max_num_queries(12):
        assert client.get("/api/cip/assets/").json()["count"] == 15
    with django_assert_max_num_queries(12):
        assert client.get("/api/cip/plans/").json()["count"] == 15


def test_plan_names_a_civil_defense_team(users):
    from civil_defense.models import Team
    from core.models import Region

    team = Team.objects.create(name="板橋區民防中隊", kind="squad", township=Region.objects.get(code="220"))
    asset = make_asset(COUNTY_A, level=2)
    body = {
        "asset": asset.pk,
        "title": "Plan",
        "measures": "Guard",
        "next_review_on": "2027-01-01",
        "units": [{"kind": "civil_defense", "name": "板橋區民防中隊", "team": team.pk}],
    }
    response = api_client(users.staff).post("/api/cip/plans/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["units"][0]["team"] == team.pk
    # an agency cannot see the county's teams, so cannot name one
    response = api_client(users.agency).post("/api/cip/plans/", body, format="json")
    assert response.status_code == 400
    # a team only on a civil-defense unit
    bad = {**body, "units": [{"kind": "police", "name": "x", "team": team.pk}]}
    assert api_client(users.staff).post("/api/cip/plans/", bad, format="json").status_code == 400
