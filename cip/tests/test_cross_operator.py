"""Issue 18: an operator names an upstream asset of another operator by its registry code and learns only its name,
sector and code; the MND sees the whole graph; a repeated dependency gets one specific message."""

import pytest
from django.urls import reverse

from cip.models import Asset, Dependency, Sector
from cip.tests.factories import COUNTY_A, COUNTY_B, depend, make_asset
from core.testing import api_client, logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def plant_and_waterworks():
    plant = make_asset(COUNTY_A, name="Power plant A")  # run by agency A
    water = make_asset(
        COUNTY_B,
        name="Water works B",
        sector=Sector.objects.get(code="water"),
        address="secret street 1",
        description="pump layout",
    )  # run by agency B
    return plant, water


def test_an_operator_names_another_operators_asset_by_registry_code(users, plant_and_waterworks):
    plant, water = plant_and_waterworks
    client = logged_in(users.agency)
    assert client.get(reverse("cip:asset-detail", args=[water.pk])).status_code == 404
    url = reverse("cip:dependency-create", args=[plant.pk])
    response = client.post(url, {"registry_code": water.registry_code.lower(), "kind": "water", "note": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Dependency.objects.filter(asset=plant, depends_on=water, kind="water").exists()

    page = client.get(reverse("cip:asset-detail", args=[plant.pk])).content.decode()
    assert "Water works B" in page and water.registry_code in page
    assert reverse("cip:asset-detail", args=[water.pk]) not in page  # no link to what they may not open
    assert "secret street 1" not in page and "pump layout" not in page
    # the other operator's page is still closed, and the MND sees both ends
    assert client.get(reverse("cip:asset-detail", args=[water.pk])).status_code == 404
    mnd = logged_in(users.staff).get(reverse("cip:asset-detail", args=[plant.pk])).content.decode()
    assert f'href="{reverse("cip:asset-detail", args=[water.pk])}"' in mnd


def test_the_same_dependency_twice_gets_one_specific_message(users, plant_and_waterworks):
    plant, water = plant_and_waterworks
    depend(plant, water, "water")
    response = logged_in(users.agency).post(
        reverse("cip:dependency-create", args=[plant.pk]), {"registry_code": water.registry_code, "kind": "water"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Power plant A 已登錄依賴 Water works B 的供水，無須重複登錄。") == 1, page
    assert "已經存在" not in page
    assert Dependency.objects.filter(asset=plant).count() == 1


def test_an_unknown_code_is_a_field_error_and_nothing_is_saved(users, plant_and_waterworks):
    plant, _water = plant_and_waterworks
    response = logged_in(users.agency).post(
        reverse("cip:dependency-create", args=[plant.pk]), {"registry_code": "CI-999999", "kind": "water"}
    )
    assert response.status_code == 200 and "CI-999999" in response.content.decode()
    assert not Dependency.objects.filter(asset=plant).exists()


def test_the_api_takes_a_registry_code_and_answers_only_name_and_sector(users, plant_and_waterworks):
    plant, water = plant_and_waterworks
    client = api_client(users.agency)
    response = client.post(
        "/api/cip/dependencies/",
        {"asset": plant.pk, "depends_on_code": water.registry_code, "kind": "water"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["depends_on_name"] == "Water works B" and body["depends_on_sector"] == "water"
    assert body["depends_on_code"] == water.registry_code
    assert "secret" not in response.content.decode()


def test_the_cascade_names_kinds_in_the_readers_language(users):
    c = make_asset(COUNTY_A, name="Substation C")
    b = make_asset(COUNTY_A, name="Water works B")
    depend(b, c, "power")
    page = logged_in(users.agency).get(reverse("cip:asset-detail", args=[c.pk])).content.decode()
    cascade = page.split('id="cascade"', 1)[1].split("</section>", 1)[0]
    assert '<td class="via">電力</td>' in cascade and ">power<" not in cascade


def test_registry_codes_round_trip():
    assert Asset.pk_from_registry_code("CI-000123") == 123
    assert Asset.pk_from_registry_code(" ci123 ") == 123
    assert Asset.pk_from_registry_code("123") == 123
    assert Asset.pk_from_registry_code("XX-1") is None


def test_the_map_draws_assets_at_their_coordinates_offline_with_the_county_overview(users):
    from cip.geo import project

    here = make_asset(COUNTY_A, name="Plant here", latitude="25.01000", longitude="121.46000")
    elsewhere = make_asset(COUNTY_B, name="Plant elsewhere")
    response = logged_in(users.agency).get(reverse("cip:map"))
    page = response.content.decode()
    x, y = project(121.46, 25.01)
    assert f'data-id="{here.pk}" cx="{x}" cy="{y}"' in page
    assert f'data-id="{elsewhere.pk}"' not in page  # another operator's asset is not on this operator's map
    assert 'class="land"' in page and 'id="county-map"' in page  # outline, and the tiles as overview
    svg = page.split('id="asset-map"', 1)[1].split("</svg>", 1)[0]
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing fetched from a tile server
    assert "Plant here" in svg and reverse("cip:asset-detail", args=[here.pk]) in svg


def test_asset_filters_start_at_all_not_dashes_or_unknown(users):
    page = logged_in(users.agency).get(reverse("cip:asset-list")).content.decode()
    filters = page.split('id="asset-filters"', 1)[1].split("</form>", 1)[0]
    assert "---------" not in filters and "未知" not in filters
    assert filters.count(">全部<") >= 6 and "僅逾期" in filters
