"""Demo materiel: a few hundred resources in five counties (vehicles, machinery, vessels, facilities, stocks)
owned by county governments, agencies and private owners; last year's survey accepted and this year's under way
(新北市 not started, for the journey); requirements with allocations; a drill requisition issued in 新北市 with
some handovers recorded, and a draft order in 臺北市.

Idempotent: resources are keyed on (kind, registration), the rest on their titles or numbers.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.models import Organisation, Region
from core.pii import check_digit

from .choices import AllocationStatus, NoticeStatus, RequirementStatus, RequisitionStatus, SurveyStatus
from .models import Allocation, CountySurvey, Kind, Requirement, Requisition, RequisitionNotice, Resource, SurveyCycle
from .services import county_figures, new_code

# county: (latitude, longitude) of its centre
CENTRES = {
    "TW-NWT": (25.012, 121.465),
    "TW-TPE": (25.047, 121.517),
    "TW-TAO": (24.993, 121.301),
    "TW-TXG": (24.147, 120.674),
    "TW-KHH": (22.627, 120.301),
}
PER_TOWNSHIP = 12
TOWNSHIPS_PER_COUNTY = 6
CAPACITY = {
    "truck": {"payload_t": 12},
    "bus": {"seats": 43},
    "ambulance": {"stretchers": 1},
    "tanker": {"tank_kl": 20},
    "pickup": {"payload_t": 1.5},
    "excavator": {"bucket_m3": 0.8},
    "crane": {"lifting_t": 25},
    "bulldozer": {},
    "loader": {"bucket_m3": 2.5},
    "generator": {"power_kw": 500},
    "cargo-ship": {"tonnage_t": 3000},
    "fishing-boat": {"tonnage_t": 50, "passengers": 12},
    "ferry": {"tonnage_t": 800, "passengers": 300},
    "warehouse": {"storage_m3": 12000, "floor_m2": 3000},
    "cold-store": {"storage_m3": 4000},
    "factory": {"product": "口罩", "daily_output": 200000},
    "fuel": {"quantity": 500000, "unit": "公升"},
    "water": {"quantity": 200000, "unit": "公升"},
    "food": {"quantity": 80, "unit": "公噸"},
    "medical": {"quantity": 5000, "unit": "箱"},
}
NAMES = ["陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊"]


def person_id(county_index: int, n: int) -> str:
    prefix = f"{'FAHBE'[county_index]}1{6_000_000 + county_index * 100_000 + n:07d}"
    return prefix + check_digit(prefix)


def seed(command, opts) -> None:
    if Resource.objects.filter(registration__startswith="DEMO-").exists():
        command.stdout.write("materiel: demo data already loaded")
        return
    with transaction.atomic():
        resources = seed_resources()
        seed_surveys()
        seed_requirements_and_orders()
    command.stdout.write(f"materiel: {resources} resources, surveys, requirements and a drill requisition")


def seed_resources() -> int:
    rng = random.Random(22)
    kinds = {k.code: k for k in Kind.objects.all()}
    codes = list(CAPACITY)
    rows = []
    for county_index, (code, (lat, lng)) in enumerate(CENTRES.items()):
        county = Region.objects.get(code=code)
        government = Organisation.objects.filter(code=f"gov-{code.lower()}").first()
        townships = list(county.children.filter(is_postal_area=False).order_by("code")[:TOWNSHIPS_PER_COUNTY])
        if code == "TW-NWT":
            banqiao = Region.objects.get(code="220")
            townships = [banqiao] + [t for t in townships if t != banqiao][: TOWNSHIPS_PER_COUNTY - 1]
        for t_index, township in enumerate(townships):
            for n in range(PER_TOWNSHIP):
                serial = county_index * 1000 + t_index * 100 + n
                kind = "truck" if n < 4 else codes[(n + t_index) % len(codes)]
                private = n % 3 != 0 or government is None
                owner_id = person_id(county_index, t_index * 100 + n) if private else ""
                rows.append(
                    Resource(
                        kind=kinds[kind],
                        registration=f"DEMO-{code[3:]}-{serial:05d}",
                        name=f"{kinds[kind].name_zh} {township.name_zh}{n + 1}",
                        owner_organisation=None if private else government,
                        owner_national_id=owner_id,
                        owner_name=f"{NAMES[n % len(NAMES)]}{'志明' if n % 2 else '美玲'}" if private else "",
                        township=township,
                        latitude=Decimal(f"{lat + rng.uniform(-0.06, 0.06):.5f}"),
                        longitude=Decimal(f"{lng + rng.uniform(-0.06, 0.06):.5f}"),
                        capacity=CAPACITY[kind],
                        condition="good" if n % 7 else "fair",
                        inspection_due_on=timezone.localdate() + datetime.timedelta(days=30 * (n + 1)),
                        insurance_due_on=timezone.localdate() + datetime.timedelta(days=45 * (n + 1)),
                    )
                )
    # agencies' own: a taipower tanker and generator in 新北市 and 臺北市, and a warehouse that is a CI asset
    taipower = Organisation.objects.filter(code="taipower").first()
    if taipower is not None:
        for code, kind in (("TW-NWT", "generator"), ("TW-TPE", "tanker")):
            county = Region.objects.get(code=code)
            lat, lng = CENTRES[code]
            rows.append(
                Resource(
                    kind=kinds[kind],
                    registration=f"DEMO-TPC-{code[3:]}",
                    name=f"台電{kinds[kind].name_zh}",
                    owner_organisation=taipower,
                    township=county.children.filter(is_postal_area=False).order_by("code").first(),
                    latitude=Decimal(str(lat)),
                    longitude=Decimal(str(lng)),
                    capacity=CAPACITY[kind],
                )
            )
    from cip.models import Asset

    asset = Asset.objects.filter(township__code="220").first()
    if asset is not None:
        rows.append(
            Resource(
                kind=kinds["warehouse"],
                registration="DEMO-NWT-CI-1",
                name=f"{asset.name}倉庫",
                owner_organisation=asset.operator,
                township=asset.township,
                latitude=asset.latitude,
                longitude=asset.longitude,
                capacity=CAPACITY["warehouse"],
                cip_asset=asset,
            )
        )
    Resource.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
    return len(rows)


def seed_surveys() -> None:
    this_year = timezone.localdate().year
    counties = list(Region.objects.counties())
    for year in (this_year - 1, this_year):
        cycle, _ = SurveyCycle.objects.get_or_create(
            year=year, defaults={"opens_on": datetime.date(year, 3, 1), "closes_on": datetime.date(year, 6, 30)}
        )
        CountySurvey.objects.bulk_create([CountySurvey(cycle=cycle, county=c) for c in counties], ignore_conflicts=True)
    now = timezone.now()
    last = CountySurvey.objects.filter(cycle__year=this_year - 1, county__code__in=CENTRES)
    for survey in last:
        figures = county_figures(survey.county_id)
        # last year had a few less: this year's figure shows what changed
        snapshot = {k: max(0, n - (1 if i % 2 else 0)) for i, (k, n) in enumerate(sorted(figures.items()))}
        CountySurvey.objects.filter(pk=survey.pk).update(
            status=SurveyStatus.ACCEPTED,
            snapshot=snapshot,
            submitted_at=now - datetime.timedelta(days=365),
            accepted_at=now - datetime.timedelta(days=350),
        )
    states = {"TW-TPE": SurveyStatus.ACCEPTED, "TW-TXG": SurveyStatus.SUBMITTED, "TW-KHH": SurveyStatus.IN_PROGRESS}
    for code, status in states.items():
        survey = CountySurvey.objects.get(cycle__year=this_year, county__code=code)
        changes = {"status": status}
        if status in (SurveyStatus.SUBMITTED, SurveyStatus.ACCEPTED):
            changes.update(snapshot=county_figures(survey.county_id), submitted_at=now)
        if status == SurveyStatus.ACCEPTED:
            changes["accepted_at"] = now
        CountySurvey.objects.filter(pk=survey.pk).update(**changes)


def _requirement(title, county_code, region_code, kind, quantity, starts_on, point, status):
    lat, lng = CENTRES[county_code]
    requirement, _ = Requirement.objects.get_or_create(
        title=title,
        defaults={
            "unit_name": "陸軍第六軍團",
            "kind": Kind.objects.get(code=kind),
            "quantity": quantity,
            "starts_on": starts_on,
            "ends_on": starts_on + datetime.timedelta(days=4),
            "region": Region.objects.get(code=region_code),
            "handover_point": point,
            "handover_latitude": Decimal(str(lat)),
            "handover_longitude": Decimal(str(lng)),
            "handover_at": timezone.make_aware(datetime.datetime.combine(starts_on, datetime.time(8, 0))),
            "status": status,
        },
    )
    return requirement


def seed_requirements_and_orders() -> None:
    from . import matching

    today = timezone.localdate()
    drill = _requirement(
        "漢光演習運輸車輛",
        "TW-NWT",
        "TW-NWT",
        "truck",
        6,
        today + datetime.timedelta(days=20),
        "板橋第一運動場",
        RequirementStatus.CONFIRMED,
    )
    matching.match(drill)
    Allocation.objects.filter(requirement=drill).update(status=AllocationStatus.CONFIRMED)
    _requirement(
        "災害防救演練挖土機",
        "TW-NWT",
        "220",
        "excavator",
        3,
        today + datetime.timedelta(days=45),
        "板橋區公所前廣場",
        RequirementStatus.OPEN,
    )
    buses = _requirement(
        "後備部隊集結運輸",
        "TW-TPE",
        "TW-TPE",
        "bus",
        4,
        today + datetime.timedelta(days=60),
        "臺北市政府前廣場",
        RequirementStatus.PROPOSED,
    )
    matching.match(buses)
    _requirement(
        "物資儲備倉庫",
        "TW-TXG",
        "TW-TXG",
        "warehouse",
        2,
        today + datetime.timedelta(days=90),
        "臺中港區",
        RequirementStatus.OPEN,
    )

    order, created = Requisition.objects.get_or_create(
        number="MR-DEMO-0001",
        defaults={
            "title": "漢光演習車輛徵用",
            "requirement": drill,
            "status": RequisitionStatus.ISSUED,
            "approved_at": timezone.now(),
            "issued_at": timezone.now(),
            "submitted_at": timezone.now(),
        },
    )
    if created:
        allocations = list(Allocation.objects.filter(requirement=drill).select_related("resource").order_by("rank"))
        Allocation.objects.filter(requirement=drill).update(requisition=order)
        notices = RequisitionNotice.objects.bulk_create(
            [
                RequisitionNotice(
                    requisition=order,
                    allocation=a,
                    resource=a.resource,
                    number=f"{order.number}-{i:04d}",
                    verification_code=new_code(),
                    owner_label=a.resource.owner_label,
                    starts_on=drill.starts_on,
                    ends_on=drill.ends_on,
                    handover_point=drill.handover_point,
                    handover_at=drill.handover_at,
                )
                for i, a in enumerate(allocations, start=1)
            ]
        )
        handed = [n.pk for n in notices[:4]]
        RequisitionNotice.objects.filter(pk__in=handed).update(
            status=NoticeStatus.HANDED_OVER, handed_over_at=drill.handover_at, handover_condition="good"
        )
    Requisition.objects.get_or_create(
        number="MR-DEMO-0002",
        defaults={"title": "後備部隊集結運輸徵用", "requirement": buses, "status": RequisitionStatus.DRAFT},
    )
