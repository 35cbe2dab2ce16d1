"""Materiel benchmarks: the registry's list page and API at national scale, the survey import, and matching.

Targets (issue 22): with 500,000 resources the list page and the API page answer in under 50 ms (median); a
survey import of 100,000 rows takes under 30 s; matching 1,000 requirements takes under 10 s.

Data: MATERIEL_BENCH_RESOURCES resources (default 500,000) spread over every township and kind, written by one
INSERT ... SELECT from generate_series (prepared once per database). MATERIEL_BENCH_IMPORT rows (default
100,000) are imported into 高雄市; MATERIEL_BENCH_REQUIREMENTS requirements (default 1,000) are matched inside a
transaction that is rolled back, so every run measures the same work; then 50 more, one API request each.
"""

import io
import os
import random
import time
from decimal import Decimal

from bench.common import client_for, median, report, timed_ms

N_RESOURCES = int(os.environ.get("MATERIEL_BENCH_RESOURCES", "500000"))
N_IMPORT = int(os.environ.get("MATERIEL_BENCH_IMPORT", "100000"))
N_REQUIREMENTS = int(os.environ.get("MATERIEL_BENCH_REQUIREMENTS", "1000"))
N_MATCH_API = 50

FILL_SQL = """
INSERT INTO materiel_resource
    (kind_id, registration, name, owner_organisation_id, owner_national_id, owner_name, driver_national_id,
     township_id, address, latitude, longitude, capacity, condition, is_active, created_at, updated_at)
SELECT k.ids[1 + (g %% array_length(k.ids, 1))], 'BENCH-' || g, '', %(org)s, '', '', '',
       t.ids[1 + ((g::bigint * 7919) %% array_length(t.ids, 1))::int], '',
       round((22.0 + random() * 3)::numeric, 5), round((120.0 + random() * 2)::numeric, 5),
       '{}'::jsonb, 'good', true, now(), now()
FROM generate_series(%(start)s, %(stop)s) g,
     (SELECT array_agg(id ORDER BY id) ids FROM materiel_kind) k,
     (SELECT array_agg(id ORDER BY id) ids FROM core_region WHERE level = 'township' AND NOT is_postal_area) t
"""


def prepare():
    from django.db import connection, transaction

    from core.accounts import provision_user
    from core.choices import OrganisationKind
    from core.models import Organisation, Region
    from materiel.models import Resource

    org, _ = Organisation.objects.get_or_create(
        code="bench-materiel-owner",
        defaults={
            "name": "Bench owner",
            "kind": OrganisationKind.ENTERPRISE,
            "region": Region.objects.get(code="TW-TPE"),
        },
    )
    staff = provision_user("bench_materiel_staff", "mnd_staff", password="bench-Password-1234", check_password=False)
    county = provision_user(
        "bench_materiel_ntpc", "local_gov", regions=["TW-NWT"], password="bench-Password-1234", check_password=False
    )
    kaohsiung = provision_user(
        "bench_materiel_khh", "local_gov", regions=["TW-KHH"], password="bench-Password-1234", check_password=False
    )
    have = Resource.objects.filter(registration__startswith="BENCH-").count()
    if have < N_RESOURCES:
        started = time.perf_counter()
        step = 100_000
        for start in range(have + 1, N_RESOURCES + 1, step):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(FILL_SQL, {"org": org.pk, "start": start, "stop": min(N_RESOURCES, start + step - 1)})
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE materiel_resource")
        print(f"   (prepared {N_RESOURCES - have} resources in {time.perf_counter() - started:.0f} s)", flush=True)
    return staff, county, kaohsiung


def survey_csv(n: int) -> bytes:
    from core.models import Region

    townships = list(Region.objects.filter(parent__code="TW-KHH", is_postal_area=False).values_list("code", flat=True))
    out = io.StringIO()
    out.write("類別,登記號碼,所有人身分證號,所有人姓名,鄉鎮市區郵遞區號,緯度,經度,能量,狀況,檢驗到期日\n")
    for i in range(n):
        out.write(
            f"貨車,KHH-{i:07d},A123456789,王小明,{townships[i % len(townships)]},22.6{i % 10},120.3{i % 7},"
            f"payload_t={i % 30 + 1},good,115/0{i % 9 + 1}/15\n"
        )
    return out.getvalue().encode()


def bench_import(user):
    from django.db import connection, transaction

    from core.audit import set_local_context
    from core.importing import read_table
    from materiel import services
    from materiel.importing import SurveyImport
    from materiel.models import CountySurvey

    cycle = services.open_cycle(user=_staff(), year=2099, opens_on="2099-01-01", closes_on="2099-12-31")
    survey = CountySurvey.objects.get(cycle=cycle, county__code="TW-KHH")
    CountySurvey.objects.filter(pk=survey.pk).update(status="in_progress")
    data = survey_csv(N_IMPORT)
    started = time.perf_counter()
    importer = SurveyImport(user=user, params={"survey": survey.pk, "filename": "bench.csv"})
    rows, errors = importer.parse(read_table(data, "bench.csv"))
    assert not errors, errors[:3]
    checked = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        set_local_context(cursor, user, reason="bench import")
        written = importer.write(cursor, rows)
    done = time.perf_counter()
    report(f"materiel.survey_import_{N_IMPORT}_rows_s", done - started, "s", "< 30")
    report("materiel.survey_import_check_s", checked - started, "s")
    report("materiel.survey_import_write_s", done - checked, "s")
    assert written == N_IMPORT


def _staff():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="bench_materiel_staff")


def bench_matching():
    import datetime

    from django.db import transaction
    from django.utils import timezone

    from core.models import Region
    from materiel import matching
    from materiel.models import Kind, Requirement

    rng = random.Random(11)
    counties = list(Region.objects.counties())
    kinds = list(Kind.objects.all())
    with transaction.atomic():
        base = datetime.date(2030, 1, 1)
        requirements = [
            Requirement(
                title=f"bench-{i}" if i < N_REQUIREMENTS else f"benchapi-{i}",
                unit_name="bench",
                kind=rng.choice(kinds),
                quantity=5,
                starts_on=base + datetime.timedelta(days=i % 20),
                ends_on=base + datetime.timedelta(days=i % 20 + 3),
                region=rng.choice(counties),
                handover_point="bench",
                handover_latitude=Decimal(f"{rng.uniform(22.5, 25):.5f}"),
                handover_longitude=Decimal(f"{rng.uniform(120.2, 121.8):.5f}"),
                handover_at=timezone.now(),
            )
            for i in range(N_REQUIREMENTS + N_MATCH_API)
        ]
        Requirement.objects.bulk_create(requirements)
        requirements = list(Requirement.objects.filter(title__startswith="bench-").select_related("kind", "region"))
        started = time.perf_counter()
        proposed = sum(matching.match(r).proposed for r in requirements)
        elapsed = time.perf_counter() - started
        # What one click on "Propose resources" costs through the API (the action: checks, state, audit event,
        # the answer's allocations), each on a requirement not matched yet; rolled back with the rest.
        client = client_for(_staff())
        samples = []
        for requirement in Requirement.objects.filter(title__startswith="benchapi-"):
            started = time.perf_counter()
            response = client.post(f"/api/materiel/requirements/{requirement.pk}/match/")
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:200]
        transaction.set_rollback(True)
    report(f"materiel.match_{N_REQUIREMENTS}_requirements_s", elapsed, "s", "< 10")
    report("materiel.match_resources_proposed", proposed, "resources")
    report("materiel.match_api_median_ms", median(samples), "ms")


def main():
    from django.conf import settings
    from django.urls import reverse

    settings.PORTAL_REQUIRE_2FA = False  # the bench logs in with force_login; 2FA is the login's business
    staff, county, kaohsiung = prepare()
    report("materiel.resources", N_RESOURCES, "rows")
    for who, user in (("mnd", staff), ("county", county)):
        client = client_for(user)
        page = reverse("materiel:resource-list")
        report(f"materiel.list_page_{who}_median_ms", median(timed_ms(lambda c=client, u=page: c.get(u))), "ms", "< 50")
        report(
            f"materiel.api_page_{who}_median_ms",
            median(timed_ms(lambda c=client: c.get("/api/materiel/resources/"))),
            "ms",
            "< 50",
        )
        report(
            f"materiel.api_filtered_{who}_median_ms",
            median(timed_ms(lambda c=client: c.get("/api/materiel/resources/?kind=crane&condition=good"))),
            "ms",
            "< 50",
        )
    bench_import(kaohsiung)
    bench_matching()
