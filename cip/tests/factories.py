"""Test data for the CI app."""

from datetime import date
from itertools import count

from core.models import Organisation, Region
from core.testing import COUNTY_A, COUNTY_B

from ..models import Asset, Dependency, PlanUnit, ProtectionPlan, Sector

_seq = count(1)

# The agency organisations of core.testing.NamedUsers: t-agency-a (in county A), t-agency-b (in county B).
OPERATOR_FOR_COUNTY = {COUNTY_A: "t-agency-a", COUNTY_B: "t-agency-b"}


def township_in(county: Region) -> Region:
    return county.children.filter(is_postal_area=False).order_by("code").first()


def make_asset(county: Region | str = COUNTY_A, *, operator: Organisation | None = None, **kw) -> Asset:
    """An asset located in `county` and run by that county's test agency (unless `operator` is given)."""
    if isinstance(county, str):
        county = Region.objects.get(code=county)
    if operator is None:
        operator = Organisation.objects.get(code=OPERATOR_FOR_COUNTY[county.code])
    n = next(_seq)
    sector = kw.pop("sector", None) or Sector.objects.get(code="energy")
    defaults = {
        "name": f"Asset {n}",
        "sector": sector,
        "level": 2,
        "operator": operator,
        "ministry": "moea",
        "township": township_in(county),
        "latitude": "25.01000",
        "longitude": "121.46000",
    }
    defaults.update(kw)
    return Asset.objects.create(**defaults)


def depend(asset: Asset, on: Asset, kind: str = "power") -> Dependency:
    return Dependency.objects.create(asset=asset, depends_on=on, kind=kind)


def make_plan(asset: Asset, *, units: int = 1, **kw) -> ProtectionPlan:
    plan = ProtectionPlan.objects.create(
        asset=asset,
        title=kw.pop("title", f"Plan for {asset.name}"),
        measures=kw.pop("measures", "Perimeter guard, backup generator drill."),
        next_review_on=kw.pop("next_review_on", date(2027, 6, 30)),
        **kw,
    )
    for i in range(units):
        PlanUnit.objects.create(plan=plan, kind="police", name=f"Police precinct {i + 1}")
    return plan
