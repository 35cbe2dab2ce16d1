"""The shared county map (cip/geo.py) and the scope-aware figures (cip/metrics.py)."""

import re

import pytest
from django.utils import translation

from core.models import Region
from core.testing import COUNTY_A, COUNTY_B

from .. import metrics
from ..geo import BY_CODE, COUNTIES, NO_DATA, PALETTE, colour_for, render_county_map
from ..services import record_assessment
from .factories import make_asset


def test_every_county_has_exactly_one_tile():
    assert len(COUNTIES) == 22
    assert len({(t.col, t.row) for t in COUNTIES}) == 22
    assert len(BY_CODE) == 22


@pytest.mark.django_db
def test_tiles_match_the_shipped_regions():
    assert set(BY_CODE) == set(Region.objects.counties().values_list("code", flat=True))


def test_svg_colours_and_labels():
    svg = render_county_map({"TW-TPE": 10, "TW-KHH": 5, "TW-PEN": 0}, title="Assets <by county>", english=True)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Assets &lt;by county&gt;" in svg  # escaped
    assert svg.count('class="county"') == 22
    tpe = re.search(r'data-code="TW-TPE".*?fill="(#[0-9a-f]+)"', svg).group(1)
    khh = re.search(r'data-code="TW-KHH".*?fill="(#[0-9a-f]+)"', svg).group(1)
    ila = re.search(r'data-code="TW-ILA".*?fill="(#[0-9a-f]+)"', svg).group(1)
    assert tpe == PALETTE[-1]
    assert khh not in (PALETTE[-1], PALETTE[0], NO_DATA)
    assert ila == NO_DATA
    assert ">TPE<" in svg and ">10<" in svg


def test_svg_links_and_custom_labels():
    svg = render_county_map(
        {"TW-TPE": 3}, labels={"TW-TPE": "3 / 9"}, href=lambda code: f"/x/?county={code}&a=1", english=False
    )
    assert '<a href="/x/?county=TW-TPE&amp;a=1">' in svg
    assert "3 / 9" in svg
    assert ">臺北<" in svg
    assert ">竹市<" in svg and ">竹縣<" in svg and ">嘉市<" in svg and ">嘉縣<" in svg


def test_colour_classes():
    assert colour_for(None, 10) == NO_DATA
    assert colour_for(0, 10) == PALETTE[0]
    assert colour_for(10, 10) == PALETTE[-1]
    assert colour_for(0.1, 10) == PALETTE[1]


def test_svg_uses_the_active_language():
    with translation.override("en"):
        assert "Taipei City" in render_county_map({})
    with translation.override("zh-hant"):
        assert "臺北市" in render_county_map({})


@pytest.mark.django_db
def test_metrics_are_scoped(users, django_assert_max_num_queries):
    a = make_asset(COUNTY_A, level=1)
    make_asset(COUNTY_A, level=2)
    b = make_asset(COUNTY_B, level=1)
    record_assessment(user=users.staff, asset=a, scenario="cyber_attack", likelihood=5, impact=4)
    record_assessment(user=users.staff, asset=b, scenario="cyber_attack", likelihood=2, impact=2)
    metrics.summary(users.agency)  # warm the scope cache
    with django_assert_max_num_queries(6):
        mine = metrics.summary(users.agency)
    assert mine["by_county"] == {COUNTY_A: 2}
    assert mine["risk_matrix"] == {"5x4": 1}
    assert sum(r["count"] for r in mine["by_sector_and_level"]) == 2
    assert metrics.assets_by_county(users.staff) == {COUNTY_A: 2, COUNTY_B: 1}
    assert metrics.risk_matrix_counts(users.staff) == {(5, 4): 1, (2, 2): 1}
    assert metrics.assets_by_county(users.nobody) == {}
    assert metrics.risk_level_counts(users.county_b) == {"low": 1}
