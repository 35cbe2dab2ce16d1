"""The registry: kinds as data, capacity checked against the class, owner masked, scope like every app."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.testing import COUNTY_A, ScopedAPIContract, ScopedViewContract, api_client, county, logged_in

from ..models import Kind, Resource
from .factories import make_resource, township_of

pytestmark = pytest.mark.django_db


class TestResourceAPI(ScopedAPIContract):
    list_url = "/api/materiel/resources/"

    def make_object(self, county):
        return make_resource(county)

    def detail_url(self, obj):
        return f"/api/materiel/resources/{obj.pk}/"


class TestResourceAPIForAgency(TestResourceAPI):
    """An agency sees its own organisation's resources, wherever they are."""

    allowed = "agency"

    def make_object(self, county):
        from core.testing import organisation

        org = organisation("t-agency-a") if county.code == COUNTY_A else organisation("t-agency-b")
        return make_resource(county, owner_org=org)


class TestResourcePage(ScopedViewContract):
    def make_object(self, county):
        return make_resource(county)

    def url(self, obj):
        return reverse("materiel:resource-detail", args=[obj.pk])


class TestResourceEditPage(TestResourcePage):
    def url(self, obj):
        return reverse("materiel:resource-update", args=[obj.pk])


def test_kinds_are_shipped_by_sector_with_capacity_attributes(users):
    response = api_client(users.county_a).get("/api/materiel/kinds/")
    assert response.status_code == 200
    kinds = {row["code"]: row for row in response.json()}
    assert {"truck", "bus", "excavator", "crane", "cargo-ship", "warehouse", "factory", "fuel"} <= set(kinds)
    assert kinds["truck"]["sector"] == "vehicle"
    assert [a["name"] for a in kinds["crane"]["attributes"]] == ["lifting_t"]


def test_api_fields_owner_masked_and_township_as_zipcode(users):
    resource = make_resource(
        county(COUNTY_A),
        owner_org=None,
        owner_national_id="A123456789",
        owner_name="王小明",
        kind="bus",
        capacity={"seats": 45},
    )
    row = api_client(users.county_a).get(f"/api/materiel/resources/{resource.pk}/").json()
    assert {"id", "kind", "registration", "owner", "township", "latitude", "longitude", "capacity", "condition"} <= set(
        row
    )
    assert row["kind"] == "bus" and row["township"] == township_of(county(COUNTY_A)).code
    assert row["owner"] == {"type": "person", "organisation": None, "name": "王*明", "national_id": "A12****789"}
    assert "A123456789" not in str(row)
    assert row["capacity"] == {"seats": 45}


def test_create_checks_capacity_against_the_class_and_changes_nothing(users):
    client = api_client(users.county_a)
    township = township_of(county(COUNTY_A))
    body = {
        "kind": "crane",
        "registration": "cr-001",
        "owner_national_id": "A123456789",
        "owner_name": "林大同",
        "township": township.code,
        "latitude": "25.0",
        "longitude": "121.5",
        "capacity": {"lifting_t": "many", "seats": 3},
        "condition": "good",
    }
    response = client.post("/api/materiel/resources/", body, format="json")
    assert response.status_code == 400
    messages = " ".join(response.json()["capacity"])
    assert "seats" in messages and "many" in messages
    assert not Resource.objects.exists()
    body["capacity"] = {"lifting_t": "25"}
    response = client.post("/api/materiel/resources/", body, format="json")
    assert response.status_code == 201, response.json()
    resource = Resource.objects.get()
    assert resource.registration == "CR-001" and resource.capacity == {"lifting_t": 25.0}
    assert AuditEvent.objects.filter(table_name="materiel_resource", object_id=resource.pk).exists()
    # the same registration for the same kind is refused with a clear message
    again = client.post("/api/materiel/resources/", body, format="json")
    assert again.status_code == 400 and "registration" in again.json()


def test_a_county_cannot_register_in_another_county(users):
    other = township_of(county("TW-TPE"))
    body = {
        "kind": "bulldozer",
        "registration": "BD-1",
        "owner_national_id": "A123456789",
        "owner_name": "林大同",
        "township": other.code,
        "latitude": "25.0",
        "longitude": "121.5",
        "capacity": {},
        "condition": "good",
    }
    response = api_client(users.county_a).post("/api/materiel/resources/", body, format="json")
    assert response.status_code in (400, 403)
    assert not Resource.objects.exists()


def test_owner_is_an_organisation_or_a_person_never_both(users):
    body = {
        "kind": "bulldozer",
        "registration": "BD-2",
        "township": township_of(county(COUNTY_A)).code,
        "latitude": "25.0",
        "longitude": "121.5",
    }
    response = api_client(users.county_a).post("/api/materiel/resources/", body, format="json")
    assert response.status_code == 400 and "owner_organisation" in response.json()


def test_unknown_query_parameter_is_refused(users):
    response = api_client(users.county_a).get("/api/materiel/resources/?kinds=truck")
    assert response.status_code == 400 and "kinds" in response.json()


def test_list_filters_by_kind_and_county(users):
    mine = make_resource(county(COUNTY_A), kind="truck")
    make_resource(county(COUNTY_A), kind="bulldozer")
    response = api_client(users.staff).get("/api/materiel/resources/?kind=truck&county=TW-NWT")
    assert [row["id"] for row in response.json()["results"]] == [mine.pk]


def test_kind_list_is_reference_data(users):
    assert Kind.objects.filter(sector="supply").count() >= 4


def test_a_township_office_lists_its_own_township_newest_first(users):
    """A scope of one township pages its own rows (the single-township branch of materiel.paging.newest)."""
    from core.models import Region

    banqiao = Region.objects.get(code="220")
    older, newer = make_resource(township=banqiao), make_resource(township=banqiao)
    elsewhere = make_resource(county(COUNTY_A))  # another township of the county
    if elsewhere.township_id == banqiao.pk:
        elsewhere = make_resource(township=Region.objects.get(code="221"))
    response = api_client(users.township).get("/api/materiel/resources/")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [newer.pk, older.pk]
    page = logged_in(users.township).get(reverse("materiel:resource-list"))
    assert page.status_code == 200
