"""Selection of a nationwide Educational call-up over 1,000,000 reservists and 1.5M service records.

The registry is generated in SQL (generate_series) once per bench database; audit triggers are skipped for
the load only (session_replication_role = replica), as a bulk import of reference data would be.
Figures: the bare SQL of the decisions, the stored selection (candidates + summary), the review page and
`GET .../candidates/` first pages, each timing with the load average (the machine may be shared).
The bench order and its candidates (its partition) are removed at the end and the candidate tables vacuumed and
reindexed, so a rerun starts from the database a fresh bench has (the other benchmarks' rows kept).
"""

import datetime
import os
import time

from bench.common import client_for, median, report, timed_ms

N_RESERVISTS = int(os.environ.get("BENCH_RESERVISTS", 1_000_000))
N_SERVICES = int(N_RESERVISTS * 1.5)
N_GRANTS = N_RESERVISTS // 50
TITLE = "bench nationwide educational"


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def clean_up():
    """Drop the bench orders and their candidates (also a failed run's), then vacuum and reindex the table."""
    from django.db import connection, transaction

    from mobilization import partitions
    from mobilization.models import CallUpOrder, Candidate

    orders = CallUpOrder.objects.filter(title=TITLE)
    with transaction.atomic(), connection.cursor() as cur:
        for pk in orders.values_list("pk", flat=True):
            partitions.drop(cur, pk)  # the order's partition, as a re-selection replaces it
    orders.delete()
    with connection.cursor() as cur:
        cur.execute(f"VACUUM {Candidate._meta.db_table}")
        cur.execute(f"REINDEX TABLE {Candidate._meta.db_table}")


def load_registry():
    from django.db import connection

    from core.models import Region
    from reservists.models import PriorityGrant, Reservist, ServiceRecord

    if (
        Reservist.objects.count() >= N_RESERVISTS
        and ServiceRecord.objects.count() >= N_SERVICES
        and PriorityGrant.objects.count() >= N_GRANTS
    ):
        return Reservist.objects.count()
    townships = list(Region.objects.townships().values_list("id", flat=True))
    started = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SET session_replication_role = replica")
        try:
            cur.execute("TRUNCATE reservists_servicerecord, reservists_prioritygrant, mobilization_candidate")
            cur.execute(
                """
                INSERT INTO reservists_reservist (national_id, name, birth_date, category, branch, rank, specialty,
                    retirement_date, township_id, address, phone, email, occupation, employer, status,
                    created_at, updated_at)
                SELECT 'B' || lpad(i::text, 9, '0'), '測試' || i, d - 8000, 'reservist',
                       (ARRAY['army','navy','air_force','marine_corps','military_police'])[(1 + i %% 5)::int], '',
                       'M' || (i %% 40), d, (%(towns)s::bigint[])[(1 + i %% %(nt)s)::int], '', '', '', '', '',
                       CASE WHEN i %% 97 = 0 THEN 'deceased' ELSE 'active' END, now(), now()
                FROM (SELECT i, date '2010-01-01' + (i * 7 %% 5479)::int AS d
                      FROM generate_series(1::bigint, %(n)s) i) s
                ON CONFLICT DO NOTHING
                """,
                {"towns": townships, "nt": len(townships), "n": N_RESERVISTS},
            )
            cur.execute("SELECT min(id), max(id) FROM reservists_reservist")
            low, high = cur.fetchone()
            span = high - low + 1
            cur.execute(
                """
                INSERT INTO reservists_servicerecord (reservist_id, mobilization_type, start_date, days, source,
                    reference, created_at, updated_at)
                SELECT %(low)s + (i * 7919) %% %(span)s,
                       (ARRAY['educational','educational','duty','temporary','roll_call'])[(1 + i %% 5)::int],
                       date '2012-01-01' + (i %% 4700)::int, 1 + i %% 20, 'imported', 'bench', now(), now()
                FROM generate_series(1::bigint, %(n)s) i
                """,
                {"low": low, "span": span, "n": N_SERVICES},
            )
            cur.execute(
                """
                INSERT INTO reservists_prioritygrant (reservist_id, kind, basis, valid_from, valid_until, evidence,
                    approved_by_name, created_at, updated_at)
                SELECT %(low)s + (i * 104729) %% %(span)s,
                       CASE WHEN i %% 2 = 0 THEN 'successive' ELSE 'later' END,
                       CASE WHEN i %% 2 = 0 THEN 'art29.' || (1 + i %% 9) ELSE 'art30.' || (1 + i %% 4) END,
                       date '2020-01-01', CASE WHEN i %% 3 = 0 THEN date '2024-12-31' END, '', '', now(), now()
                FROM generate_series(1::bigint, %(n)s) i
                """,
                {"low": low, "span": span, "n": N_GRANTS},
            )
        finally:
            cur.execute("SET session_replication_role = DEFAULT")
        cur.execute("ANALYZE reservists_reservist")
        cur.execute("ANALYZE reservists_servicerecord")
        cur.execute("ANALYZE reservists_prioritygrant")
    print(f"   registry loaded in {time.perf_counter() - started:.1f} s", flush=True)
    return Reservist.objects.count()


def main():
    from django.conf import settings
    from django.db import connection, transaction

    from core.accounts import provision_user
    from mobilization import services
    from mobilization.models import CallUpOrder
    from mobilization.services import selection

    # The benchmark measures the pages, not the second factor (a bench user has no device).
    settings.PORTAL_REQUIRE_2FA = False
    count = load_registry()
    clean_up()
    report("mobilization.registry_reservists", count, "rows")
    user = provision_user("bench_mnd_staff", "mnd_staff", password=None)
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title=TITLE,
        report_date=datetime.date(2025, 3, 1),
        days=14,
        quota=100_000,
        created_by=user,
        status="selecting",
    )
    policy = services.policy_for(order.report_date).params()
    sql, params = selection.build_sql(
        order_id=order.pk, proposal=order.proposal(), policy=policy, overrides=order.overrides(), bare=True
    )
    with transaction.atomic(), connection.cursor() as cur:
        selection.tune(cur)  # the same settings as the stored selection
        load = loadavg()
        started = time.perf_counter()
        cur.execute(sql, params)
        total, _eligible, _reasons, _last = cur.fetchone()
        bare = time.perf_counter() - started
    report("mobilization.selection_bare_sql_s", bare, "s", "about 2 s")
    print(f"   (load average before: {load})", flush=True)

    load = loadavg()
    started = time.perf_counter()
    stored = services.run_selection(order.pk)
    elapsed = time.perf_counter() - started
    report("mobilization.selection_stored_s", elapsed, "s", "< 10 s")
    print(f"   (load average before: {load}, after: {loadavg()})", flush=True)
    report("mobilization.selection_candidates", stored, "rows")
    assert stored == total, (stored, total)
    order.refresh_from_db()
    print(f"   decisions: {order.summary['counts']}", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE mobilization_candidate")

    client = client_for(user)
    api = f"/api/mobilization/orders/{order.pk}/candidates/"
    page = f"/mobilization/orders/{order.pk}/"
    for url, name in (
        (api, "candidates_api_first_page_ms"),
        (api + "?decision=later", "candidates_api_later_first_page_ms"),
        (page, "review_page_first_page_ms"),
        (page + "?decision=ineligible", "review_page_ineligible_ms"),
    ):
        assert client.get(url).status_code == 200, url
        report(f"mobilization.{name}", median(timed_ms(lambda u=url: client.get(u), repeat=10)), "ms", "< 200 ms")
    print(f"   (load average: {loadavg()})", flush=True)
    # Leave the bench database as it was: no bench order, no dead candidate rows.
    clean_up()
