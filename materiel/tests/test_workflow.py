"""Requirements, matching and requisition: nearest first, never twice (a database constraint), four-eyes,
cross-domain conflicts that hold issuing, notices once, public verification, handover and return."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.actions import ActionRefused
from core.models import AuditEvent
from core.testing import COUNTY_A, ScopedAPIContract, ScopedViewContract, api_client, county, logged_in
from mobilization.choices import OrderStatus
from mobilization.models import CallUpOrder, Notice
from reservists.tests.factories import make_reservist

from .. import services
from ..models import Allocation, Conflict, RequisitionNotice
from .factories import make_requirement, make_resource

pytestmark = pytest.mark.django_db


def lat(km_north: float) -> str:
    return f"{25.0 + km_north / 111.32:.5f}"


def confirmed_requirement(users, quantity=2, **kw):
    requirement = make_requirement(county(COUNTY_A), quantity=quantity, lat="25.00000", lng="121.46000", **kw)
    services.REQUIREMENT_ACTIONS["match"].execute(users.staff, requirement)
    services.REQUIREMENT_ACTIONS["confirm"].execute(users.staff, requirement)
    return requirement


def approved_order(users, requirement):
    requisition = services.draft_requisition(
        user=users.staff, requirement=requirement, title="115年度演習徵用", kind="use", purpose="drill"
    )
    services.REQUISITION_ACTIONS["submit"].execute(users.staff, requisition)
    services.REQUISITION_ACTIONS["approve"].execute(users.approver, requisition)
    requisition.refresh_from_db()
    return requisition


class TestRequirementAPI(ScopedAPIContract):
    allowed = "county_a"
    list_url = "/api/materiel/requirements/"

    def make_object(self, county):
        return make_requirement(county)

    def detail_url(self, obj):
        return f"/api/materiel/requirements/{obj.pk}/"


class TestRequirementPage(ScopedViewContract):
    def make_object(self, county):
        return make_requirement(county)

    def url(self, obj):
        return reverse("materiel:requirement-detail", args=[obj.pk])


def test_match_proposes_nearest_first_and_skips_resources_held_for_an_overlapping_period(users):
    a = county(COUNTY_A)
    far = make_resource(a, lat=lat(9), lng="121.46000")
    near = make_resource(a, lat=lat(1), lng="121.46000")
    middle = make_resource(a, lat=lat(4), lng="121.46000")
    broken = make_resource(a, lat=lat(0.5), lng="121.46000", condition="unserviceable")
    make_resource(county("TW-TPE"), lat=lat(0.1), lng="121.46000")  # another county: not proposed
    first = make_requirement(a, quantity=1, lat="25.00000", lng="121.46000")
    response = api_client(users.staff).post(f"/api/materiel/requirements/{first.pk}/match/")
    assert response.status_code == 200
    assert [row["resource"] for row in response.json()["allocations"]] == [near.pk]
    second = make_requirement(a, quantity=5, starts_on=first.starts_on + datetime.timedelta(days=1))
    data = api_client(users.staff).post(f"/api/materiel/requirements/{second.pk}/match/").json()
    assert [row["resource"] for row in data["allocations"]] == [middle.pk, far.pk]
    assert data["shortfall"] == 3 and broken.pk not in [row["resource"] for row in data["allocations"]]
    assert AuditEvent.objects.filter(event="materiel.requirement.matched").count() == 2
    # a later, non-overlapping period may use the nearest again
    later = make_requirement(a, quantity=1, starts_on=first.ends_on + datetime.timedelta(days=1))
    data = api_client(users.staff).post(f"/api/materiel/requirements/{later.pk}/match/").json()
    assert [row["resource"] for row in data["allocations"]] == [near.pk]


def test_nearest_first_across_the_widening_search_boxes(users):
    """Matching looks within 15 km, then 60 km, then the whole county: the ranks still run nearest first, a
    resource in the corner of the first box (farther than 15 km) never jumps ahead of a nearer one outside it, and
    another county's resource is never proposed however near."""
    a = county(COUNTY_A)
    far = make_resource(a, lat=lat(100), lng="121.46000")
    mid = make_resource(a, lat=lat(20), lng="121.46000")
    corner = make_resource(a, lat=lat(14), lng=f"{121.46 + 14 / (111.32 * 0.9063):.5f}")  # ~19.8 km, in the box
    near = make_resource(a, lat=lat(10), lng="121.46000")
    make_resource(county("TW-TPE"), lat=lat(0.2), lng="121.46000")
    requirement = make_requirement(a, quantity=5, lat="25.00000", lng="121.46000")
    data = api_client(users.staff).post(f"/api/materiel/requirements/{requirement.pk}/match/").json()
    rows = data["allocations"]
    assert [row["resource"] for row in rows] == [near.pk, corner.pk, mid.pk, far.pk]
    assert [float(row["distance_km"]) for row in rows] == sorted(float(row["distance_km"]) for row in rows)
    assert data["shortfall"] == 1
    assert list(Allocation.objects.filter(requirement=requirement).order_by("rank").values_list("rank", flat=True)) == [
        1,
        2,
        3,
        4,
    ]


def test_the_database_refuses_a_double_allocation(users):
    resource = make_resource(county(COUNTY_A))
    one = make_requirement(county(COUNTY_A))
    two = make_requirement(county(COUNTY_A), starts_on=one.ends_on)  # overlaps on one day
    Allocation.objects.create(requirement=one, resource=resource, starts_on=one.starts_on, ends_on=one.ends_on)
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.create(requirement=two, resource=resource, starts_on=two.starts_on, ends_on=two.ends_on)
    # a released allocation no longer holds it
    Allocation.objects.filter(requirement=one).update(status="released")
    Allocation.objects.create(requirement=two, resource=resource, starts_on=two.starts_on, ends_on=two.ends_on)


def test_match_is_refused_to_a_county_and_out_of_scope_is_404(users):
    mine = make_requirement(county(COUNTY_A))
    theirs = make_requirement(county("TW-TPE"))
    client = api_client(users.county_a)
    assert client.post(f"/api/materiel/requirements/{mine.pk}/match/").status_code == 403
    assert client.post(f"/api/materiel/requirements/{theirs.pk}/match/").status_code == 404
    assert not Allocation.objects.exists()


def test_shortfall_by_township_and_kind(users):
    make_resource(county(COUNTY_A))
    requirement = make_requirement(county(COUNTY_A), quantity=3)
    services.REQUIREMENT_ACTIONS["match"].execute(users.staff, requirement)
    rows = api_client(users.staff).get("/api/materiel/requirements/shortfall/").json()
    assert rows == [
        {
            "region": COUNTY_A,
            "region_name": "新北市",
            "region_name_en": "New Taipei City",
            "kind": "truck",
            "kind_name": "貨車",
            "kind_name_en": "Truck",
            "required": 3,
            "allocated": 1,
            "shortfall": 2,
        }
    ]


def test_requisition_four_eyes_issue_once_and_verify(users):
    for km in (1, 2):
        make_resource(county(COUNTY_A), lat=lat(km), lng="121.46000")
    requirement = confirmed_requirement(users)
    staff = api_client(users.staff)
    created = staff.post(
        "/api/materiel/requisitions/", {"requirement": requirement.pk, "title": "演習徵用"}, format="json"
    )
    assert created.status_code == 201, created.json()
    order = created.json()
    assert order["status"] == "draft" and len(order["resources"]) == 2
    assert staff.post(f"/api/materiel/requisitions/{order['id']}/submit/").json()["status"] == "submitted"
    # the drafter cannot approve (not even holding the approver role), another approver can
    users.staff.groups.add(users.approver.groups.get())
    from django.contrib.auth import get_user_model

    drafter = get_user_model().objects.get(pk=users.staff.pk)
    refused = api_client(drafter).post(f"/api/materiel/requisitions/{order['id']}/approve/")
    assert refused.status_code == 409 and refused.json()["reasons"][0]["code"] == "four_eyes"
    approved = api_client(users.approver).post(f"/api/materiel/requisitions/{order['id']}/approve/", {"note": "同意"})
    assert approved.json()["status"] == "approved"
    issued = staff.post(f"/api/materiel/requisitions/{order['id']}/issue/")
    assert issued.status_code == 200 and issued.json()["status"] == "issued"
    assert RequisitionNotice.objects.filter(requisition_id=order["id"]).count() == 2
    again = staff.post(f"/api/materiel/requisitions/{order['id']}/issue/")
    assert again.status_code == 409
    assert RequisitionNotice.objects.filter(requisition_id=order["id"]).count() == 2
    assert AuditEvent.objects.filter(event="materiel.requisition.issued", object_id=order["id"]).count() == 1
    notice = RequisitionNotice.objects.filter(requisition_id=order["id"]).first()
    public = api_client().get(f"/api/verify/requisition/{notice.verification_code.lower()}/")
    assert public.status_code == 200 and public.json()["number"] == notice.number
    assert api_client().get("/api/verify/requisition/NOPE1234NOPE1234/").status_code == 404
    page = logged_in(users.nobody).get(reverse("materiel-public:verify", args=[notice.verification_code]))
    assert page.status_code == 200 and "真實" in page.content.decode()


def test_a_called_up_owner_holds_issuing_until_accepted_with_a_reason(users):
    requirement_start = datetime.date.today() + datetime.timedelta(days=30)
    person = make_reservist(county(COUNTY_A))
    make_resource(
        county(COUNTY_A),
        owner_org=None,
        owner_national_id=person.national_id,
        owner_name=person.name,
        lat=lat(1),
        lng="121.46000",
    )
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="教召",
        legal_basis="兵役法",
        report_date=requirement_start,
        days=5,
        quota=1,
        status=OrderStatus.ISSUED,
    )
    Notice.objects.create(
        order=order,
        reservist=person,
        township=person.township,
        sequence=1,
        number="N-1",
        report_date=requirement_start - datetime.timedelta(days=2),
        report_time=datetime.time(8),
        assembly_point="營區",
        verification_code="CODE0000000000A1",
    )
    requirement = confirmed_requirement(users, quantity=1, starts_on=requirement_start)
    requisition = approved_order(users, requirement)
    [conflict] = Conflict.objects.filter(requisition=requisition)
    assert conflict.kind == "reservist_called_up" and conflict.status == "open"
    assert conflict.detail["national_id"] == person.national_id[:3] + "****" + person.national_id[-3:]
    response = api_client(users.staff).post(f"/api/materiel/requisitions/{requisition.pk}/issue/")
    assert response.status_code == 409 and response.json()["reasons"][0]["code"] == "conflicts"
    assert not RequisitionNotice.objects.exists()
    # a reason is required to accept
    url = f"/api/materiel/requisitions/{requisition.pk}/conflicts/{conflict.pk}/accept/"
    assert api_client(users.staff).post(url, {"note": ""}).status_code == 400
    assert api_client(users.staff).post(url, {"note": "第29條：繼續原職，另派駕駛"}).status_code == 200
    response = api_client(users.staff).post(f"/api/materiel/requisitions/{requisition.pk}/issue/")
    assert response.status_code == 200 and RequisitionNotice.objects.count() == 1


def test_a_critical_asset_facility_is_a_conflict(users):
    from cip.tests.factories import make_asset

    asset = make_asset(COUNTY_A)
    make_resource(county(COUNTY_A), kind="warehouse", capacity={"storage_m3": 5000}, cip_asset=asset, lat=lat(1))
    requirement = make_requirement(county(COUNTY_A), kind="warehouse", quantity=1, lat="25.00000")
    services.REQUIREMENT_ACTIONS["match"].execute(users.staff, requirement)
    services.REQUIREMENT_ACTIONS["confirm"].execute(users.staff, requirement)
    requisition = approved_order(users, requirement)
    assert list(Conflict.objects.filter(requisition=requisition).values_list("kind", flat=True)) == ["critical_asset"]
    with pytest.raises(ActionRefused):
        services.REQUISITION_ACTIONS["issue"].execute(users.staff, requisition)


def test_handover_and_return_with_condition_and_claim(users):
    make_resource(county(COUNTY_A), lat=lat(1))
    requisition = approved_order(users, confirmed_requirement(users, quantity=1))
    services.REQUISITION_ACTIONS["issue"].execute(users.staff, requisition)
    notice = RequisitionNotice.objects.get()
    county_client = api_client(users.county_a)
    bad = county_client.post(f"/api/materiel/requisition-notices/{notice.pk}/handover/", {"condition": "shiny"})
    assert bad.status_code == 400
    assert (
        county_client.post(f"/api/materiel/requisition-notices/{notice.pk}/return/", {"condition": "good"}).status_code
        == 409
    )
    handed = county_client.post(f"/api/materiel/requisition-notices/{notice.pk}/handover/", {"condition": "good"})
    assert handed.status_code == 200 and handed.json()["status"] == "handed_over"
    returned = county_client.post(
        f"/api/materiel/requisition-notices/{notice.pk}/return/",
        {"condition": "poor", "compensation_amount": "12000", "damage_claim": "左前保險桿凹損"},
    )
    assert returned.status_code == 200, returned.json()
    body = returned.json()
    assert (body["status"], body["return_condition"], body["compensation_amount"]) == ("returned", "poor", "12000")
    notice.resource.refresh_from_db()
    assert notice.resource.condition == "poor"
    assert (
        api_client(users.county_b)
        .post(f"/api/materiel/requisition-notices/{notice.pk}/handover/", {"condition": "good"})
        .status_code
        == 404
    )
    events = set(AuditEvent.objects.filter(object_id=notice.pk).values_list("event", flat=True))
    assert {"materiel.notice.handed_over", "materiel.notice.returned"} <= events


def test_exempt_and_replace_with_the_next_nearest(users):
    first = make_resource(county(COUNTY_A), lat=lat(1))
    spare = make_resource(county(COUNTY_A), lat=lat(3))
    requisition = approved_order(users, confirmed_requirement(users, quantity=1))
    services.REQUISITION_ACTIONS["issue"].execute(users.staff, requisition)
    notice = RequisitionNotice.objects.get(resource=first)
    response = api_client(users.staff).post(
        f"/api/materiel/requisition-notices/{notice.pk}/exempt/", {"note": "車輛送修", "replace": True}
    )
    assert response.status_code == 200 and response.json()["status"] == "exempted"
    replacement = RequisitionNotice.objects.get(replaces=notice)
    assert replacement.resource == spare and replacement.status == "issued"
    assert Allocation.objects.get(resource=first).status == "released"


def test_notice_pdf_is_masked_with_roc_dates(users):
    make_resource(county(COUNTY_A), owner_org=None, owner_national_id="A123456789", owner_name="王小明", lat=lat(1))
    requisition = approved_order(users, confirmed_requirement(users, quantity=1))
    services.REQUISITION_ACTIONS["issue"].execute(users.staff, requisition)
    notice = RequisitionNotice.objects.get()
    response = logged_in(users.staff).get(reverse("materiel:notice-pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    import io

    from pypdf import PdfReader

    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "徵用通知書" in text.replace(" ", "") and "A12****789" in text and "A123456789" not in text
    assert "民國" in text and notice.number in text
    assert logged_in(users.county_b).get(reverse("materiel:notice-pdf", args=[notice.pk])).status_code == 404
