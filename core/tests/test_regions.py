import pytest
from django.urls import reverse

from core.models import Region
from core.regions import load_regions
from core.testing import ScopedAPIContract, api_client

pytestmark = pytest.mark.django_db


def test_reference_data_is_loaded_and_idempotent():
    assert Region.objects.counties().count() == 22
    assert Region.objects.townships().count() == 371
    assert load_regions() == 0


def test_api_counties_and_new_taipei_townships(users):
    client = api_client(users.staff)
    counties = client.get("/api/regions/", {"level": "county"}).json()
    assert len(counties) == 22
    ntpc = next(c for c in counties if c["code"] == "TW-NWT")
    assert ntpc == {
        "id": ntpc["id"],
        "code": "TW-NWT",
        "name_zh": "新北市",
        "name_en": "New Taipei City",
        "level": "county",
        "parent": None,
        "county_kind": "special_municipality",
        "is_postal_area": False,
    }
    townships = client.get("/api/regions/", {"level": "township", "parent": ntpc["id"]}).json()
    assert len(townships) == 29
    banqiao = next(t for t in townships if t["code"] == "220")
    assert banqiao["name_zh"] == "板橋區" and banqiao["parent"] == ntpc["id"]


def test_shared_zipcodes_get_distinct_codes():
    hsinchu = Region.objects.get(code="TW-HSZ")
    assert sorted(hsinchu.children.values_list("code", flat=True)) == ["300-east", "300-north", "300-xiangshan"]
    assert set(hsinchu.children.values_list("zipcode", flat=True)) == {"300"}


def test_county_official_sees_only_own_county(users):
    data = api_client(users.county_a).get("/api/regions/").json()
    codes = {row["code"] for row in data}
    assert "TW-NWT" in codes and "220" in codes
    assert "TW-TPE" not in codes and "100" not in codes
    assert len(data) == 30


class TestRegionAPI(ScopedAPIContract):
    list_url = "/api/regions/"

    def make_object(self, county):
        return county

    def detail_url(self, obj):
        return f"/api/regions/{obj.pk}/"


def test_region_page_lists_own_townships_only(users, client):
    client.force_login(users.county_b)
    response = client.get(reverse("core:region-list"), {"level": "township"})
    assert response.status_code == 200
    names = [r.name_zh for r in response.context["object_list"]]
    assert "中正區" in names and "板橋區" not in names
