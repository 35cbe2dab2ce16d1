"""CI benchmarks: the cascade (recursive CTE) on a national-size dependency graph, the registry page,
the risk matrix and the overdue list, as an MND staffer and as an agency.

Data: 20,000 assets over every township and 60 operators, 60,000 dependencies (chains plus random
links, cycles included), one current rating per asset. Prepared once per database (idempotent).
"""

import random

from bench.common import client_for, median, report, timed_ms

N_ASSETS = 20_000
N_EDGES = 60_000
N_OPERATORS = 60


def prepare():
    from django.db import transaction

    from cip.models import Asset, Dependency, RiskMatrix, Sector
    from core.accounts import provision_user
    from core.choices import OrganisationKind
    from core.models import Organisation, Region

    staff = provision_user("bench_cip_staff", "mnd_staff", password="bench-Password-1234", check_password=False)
    operators = [
        Organisation.objects.get_or_create(
            code=f"bench-op-{i}",
            defaults={
                "name": f"Bench operator {i}",
                "kind": OrganisationKind.ENTERPRISE,
                "region": Region.objects.get(code="TW-TPE"),
            },
        )[0]
        for i in range(N_OPERATORS)
    ]
    agency = provision_user(
        "bench_cip_agency",
        "agency",
        organisation=operators[0].code,
        password="bench-Password-1234",
        check_password=False,
    )
    if Asset.objects.filter(name__startswith="bench-").count() >= N_ASSETS:
        return staff, agency
    rng = random.Random(7)
    townships = list(Region.objects.townships().filter(is_postal_area=False))
    sectors = list(Sector.objects.all())
    matrix = RiskMatrix.active()
    with transaction.atomic():
        assets = []
        for i in range(N_ASSETS):
            lk, im = rng.randint(1, 5), rng.randint(1, 5)
            assets.append(
                Asset(
                    name=f"bench-{i}",
                    sector=rng.choice(sectors),
                    level=rng.choice([1, 2, 3]),
                    operator=operators[i % N_OPERATORS],
                    ministry="moea",
                    township=rng.choice(townships),
                    latitude=24,
                    longitude=121,
                    likelihood=lk,
                    impact=im,
                    risk_score=lk * im,
                    risk_level=matrix.level_for(lk, im),
                    assessment_due_on=f"202{rng.randint(4, 8)}-0{rng.randint(1, 9)}-15",
                )
            )
        Asset.objects.bulk_create(assets, batch_size=5000)
        ids = list(Asset.objects.filter(name__startswith="bench-").values_list("id", flat=True))
        edges = set()
        while len(edges) < N_EDGES:
            a, b = rng.choice(ids), rng.choice(ids)
            if a != b:
                edges.add((a, b))
        Dependency.objects.bulk_create(
            [Dependency(asset_id=a, depends_on_id=b, kind="power") for a, b in edges], batch_size=5000
        )
    return staff, agency


def main():
    from django.db.models import Count
    from django.urls import reverse

    from cip import metrics
    from cip.models import Asset
    from cip.services import affected_ids, cascade

    staff, agency = prepare()
    # the most-depended-on asset: the widest cascade
    root = Asset.objects.filter(name__startswith="bench-").order_by("-id")[0]
    hub = Asset.objects.filter(name__startswith="bench-").annotate(n=Count("dependents")).order_by("-n").first()
    small = timed_ms(lambda: affected_ids(root.pk, max_depth=3), repeat=5, warmup=1)
    report("cip.cascade_depth3_median_ms", median(small), "ms", "< 200")
    rows = affected_ids(hub.pk, max_depth=4)
    report("cip.cascade_hub_depth4_affected", len(rows), "assets")
    wide = timed_ms(lambda: affected_ids(hub.pk, max_depth=4), repeat=3, warmup=1)
    report("cip.cascade_hub_depth4_median_ms", median(wide), "ms", "< 2000")
    agency_view = timed_ms(lambda: cascade(hub, agency), repeat=3, warmup=1)
    report("cip.cascade_hub_full_as_agency_median_ms", median(agency_view), "ms", "< 1000")
    report("cip.cascade_hub_full_affected", len(affected_ids(hub.pk)), "assets")
    detail = client_for(agency)
    mine = Asset.objects.filter(operator__code="bench-op-0").order_by("id").first()
    report(
        "cip.asset_page_as_agency_median_ms",
        median(timed_ms(lambda: detail.get(reverse("cip:asset-detail", args=[mine.pk])), repeat=5)),
        "ms",
        "< 1000",
    )

    client = client_for(staff)
    url = reverse("cip:asset-list")
    report("cip.registry_first_page_median_ms", median(timed_ms(lambda: client.get(url), repeat=10)), "ms", "< 300")
    report(
        "cip.registry_filtered_median_ms",
        median(timed_ms(lambda: client.get(url + "?level=1&risk_level=critical&county=TW-NWT"), repeat=10)),
        "ms",
        "< 300",
    )
    report("cip.risk_matrix_counts_median_ms", median(timed_ms(lambda: metrics.risk_matrix_counts(staff))), "ms")
    report("cip.overdue_count_median_ms", median(timed_ms(lambda: metrics.overdue_count(staff))), "ms")
    agency_client = client_for(agency)
    report(
        "cip.registry_as_agency_median_ms",
        median(timed_ms(lambda: agency_client.get(url), repeat=10)),
        "ms",
        "< 300",
    )
