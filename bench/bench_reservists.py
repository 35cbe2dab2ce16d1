"""The reserve registry at national scale: seeding 1,000,000 reservists with COPY, the list page and
GET /api/reservists/ (first and deep pages, with and without a township filter), lookup by national ID,
and the import of a 100,000-row CSV.

Seeding is timed when the bench database holds fewer than BENCH_RESERVISTS reservists; otherwise the existing
registry is used (drop the database to time seeding again).
"""

import base64
import os
import random
import time
from urllib.parse import urlencode

from bench.common import client_for, median, report, timed_ms

N_RESERVISTS = int(os.environ.get("BENCH_RESERVISTS", 1_000_000))
N_IMPORT = int(os.environ.get("BENCH_IMPORT_ROWS", 100_000))


def seed():
    from reservists.demo import seed_registry
    from reservists.models import Reservist

    started = time.perf_counter()
    added = seed_registry(N_RESERVISTS)
    elapsed = time.perf_counter() - started
    if added:
        report("reservists.seed_seconds", elapsed, "s", "< 60")
        report("reservists.seed_rows_per_second", added / elapsed, "rows/s")
    else:
        print(f"   registry already holds {Reservist.objects.count():,} reservists: seeding not timed", flush=True)


def cursor_after(pk: int) -> str:
    """A DRF CursorPagination cursor positioned after `pk` (ordering -id)."""
    return base64.b64encode(urlencode({"p": str(pk)}).encode()).decode()


def page_figures(prefix: str, client, url: str, deep_id: int, api: bool):
    def get(query: str):
        def call():
            response = client.get(url + query)
            assert response.status_code == 200, (url + query, response.status_code)

        return call

    deep = f"?cursor={cursor_after(deep_id)}" if api else f"?after={deep_id}"
    deep_township = f"?township=220&cursor={cursor_after(deep_id)}" if api else f"?township=220&after={deep_id}"
    for name, query in [
        ("first_page", ""),
        ("deep_page", deep),
        ("township_first_page", "?township=220"),
        ("township_deep_page", deep_township),
        ("county_filter_first_page", "?county=TW-KHH&branch=army"),
    ]:
        report(f"{prefix}.{name}_median_ms", median(timed_ms(get(query), repeat=15)), "ms", "< 50")


def bench_pages():
    from core.accounts import provision_user
    from reservists.models import Reservist

    staff = provision_user("bench_res_staff", "mnd_staff", password=None)
    county = provision_user("bench_res_county", "local_gov", regions=["TW-NWT"], password=None)
    low = Reservist.objects.order_by("id").values_list("id", flat=True).first()
    high = Reservist.objects.order_by("-id").values_list("id", flat=True).first()
    deep_id = low + (high - low) // 2
    staff_client, county_client = client_for(staff), client_for(county)
    # What any logged-in request costs here (sessions, permissions, middleware): the floor under the figures.
    report(
        "reservists.baseline_api_request_median_ms",
        median(timed_ms(lambda: staff_client.get("/api/jobs/0/"), repeat=15)),
        "ms",
    )
    page_figures("reservists.list_page", staff_client, "/reservists/", deep_id, api=False)
    page_figures("reservists.api_list", staff_client, "/api/reservists/", deep_id, api=True)
    report(
        "reservists.api_list_county_user_first_page_median_ms",
        median(timed_ms(lambda: county_client.get("/api/reservists/"), repeat=15)),
        "ms",
        "< 50",
    )
    sample = list(Reservist.objects.filter(id__gte=deep_id).values_list("national_id", flat=True)[:40])
    ids = iter(sample * 2)
    report(
        "reservists.api_lookup_by_national_id_median_ms",
        median(timed_ms(lambda: staff_client.get(f"/api/reservists/?q={next(ids)}"), repeat=20, warmup=2)),
        "ms",
        "< 20",
    )
    ids = iter(sample * 2)
    report(
        "reservists.page_lookup_by_national_id_median_ms",
        median(timed_ms(lambda: staff_client.get(f"/reservists/?q={next(ids)}"), repeat=20, warmup=2)),
        "ms",
        "< 20",
    )
    ids = iter(sample * 2)
    report(
        "reservists.orm_lookup_by_national_id_median_ms",
        median(timed_ms(lambda: Reservist.objects.get(national_id=next(ids)), repeat=20, warmup=2)),
        "ms",
        "< 20",
    )
    return staff


def bench_search():
    """Searching as clerks do (issue 18) on the whole registry: the given name alone, a whole name, the ID as shown
    masked, its last three digits, a 民國 birth date; the API for the MND staff (nationwide) and the list page (with
    its match count) for a county official."""
    from core.accounts import provision_user
    from core.dates import format_roc_input
    from core.pii import mask_national_id
    from reservists.models import Reservist

    staff = client_for(provision_user("bench_res_staff", "mnd_staff", password=None))
    county = client_for(provision_user("bench_res_county", "local_gov", regions=["TW-NWT"], password=None))
    high = Reservist.objects.order_by("-id").values_list("id", flat=True).first()
    sample = list(
        Reservist.objects.filter(id__lte=high - 5000, township__parent__code="TW-NWT")
        .order_by("-id")
        .values_list("name", "national_id", "birth_date")[:20]
    )
    searches = {
        "given_name": lambda r: r[0][1:],
        "whole_name": lambda r: r[0],
        "masked_id": lambda r: mask_national_id(r[1]),
        "last_three_digits": lambda r: r[1][-3:],
        "roc_birth_date": lambda r: format_roc_input(r[2]),
    }
    for name, term in searches.items():
        for prefix, client, url in (
            ("api_search", staff, "/api/reservists/"),
            ("page_search_county_user", county, "/reservists/"),
        ):
            terms = iter([term(r) for r in sample] * 3)

            def call(client=client, url=url, terms=terms):
                response = client.get(url, {"q": next(terms)})
                assert response.status_code == 200, (url, response.status_code)

            report(f"reservists.{prefix}_{name}_median_ms", median(timed_ms(call, repeat=15, warmup=2)), "ms", "< 100")


def bench_import(user):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection

    from core import importing
    from core.choices import JobStatus
    from core.models import Job, Region
    from core.pii import check_digit
    from reservists.imports import ReservistImport

    rng = random.Random(7)
    townships = list(Region.objects.townships().filter(is_postal_area=False).values_list("code", flat=True))
    lines = ["national_id,name,birth_date,category,branch,rank,specialty,retirement_date,township,status"]
    for i in range(N_IMPORT):
        prefix = f"Y1{i * 37 % 10_000_000:07d}"
        lines.append(
            f"{prefix}{check_digit(prefix)},匯入{i},19{rng.randint(70, 99)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)},"
            f"reservist,army,上兵,11A1,2015-0{rng.randint(1, 9)}-2{rng.randint(0, 8)},{rng.choice(townships)},active"
        )
    content = ("\n".join(lines) + "\n").encode()
    with connection.cursor() as cursor:  # a previous run's rows: remove them so the import inserts anew
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM reservists_reservist WHERE national_id LIKE 'Y%%'")
        cursor.execute("SET session_replication_role = origin")
    from celery import current_app

    current_app.conf.task_always_eager = True  # the worker's run, here in-process, right after the upload
    started = time.perf_counter()
    job = importing.start_import(ReservistImport, user, SimpleUploadedFile("bench.csv", content))
    elapsed = time.perf_counter() - started
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.SUCCEEDED, (job.error, (job.result or {}).get("errors", [])[:3])
    report("reservists.import_100k_csv_seconds", elapsed, "s", "< 30")
    # the same file again with one bad row: every row checked, nothing written
    bad = content.replace(b"\nY1", b"\nY2", 1)
    started = time.perf_counter()
    job = importing.start_import(ReservistImport, user, SimpleUploadedFile("bench-bad.csv", bad))
    report("reservists.import_100k_csv_with_one_error_seconds", time.perf_counter() - started, "s")
    assert Job.objects.get(pk=job.pk).status == JobStatus.FAILED
    with connection.cursor() as cursor:  # leave the registry at N_RESERVISTS for the next run and other benches
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM reservists_reservist WHERE national_id LIKE 'Y%%'")
        cursor.execute("SET session_replication_role = origin")


def main():
    from django.conf import settings

    settings.PORTAL_REQUIRE_2FA = False  # the bench logs in with force_login; 2FA is the login's business
    seed()
    if os.environ.get("BENCH_RESERVISTS_ONLY") == "search":  # the search figures alone (issue 18)
        bench_search()
        return
    user = bench_pages()
    bench_search()
    bench_import(user)
