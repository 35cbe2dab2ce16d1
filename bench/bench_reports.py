"""Readiness reports at national scale: 1,000,000 reservists plus every app's demo data.

- a national report, from the request to the stored PDF, in a fresh process (its peak RSS is the figure);
- a county report (新北市) the same way;
- the stamped download of the national report;
- each role's dashboard (/reports/dashboard/ and the home dashboard): cold (cache empty) and warm median.
Targets: national < 30 s and < 500 MB, county < 10 s, dashboards < 300 ms.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import median, report, timed_ms

ROOT = Path(__file__).resolve().parent.parent
RESERVISTS = int(os.environ.get("BENCH_RESERVISTS", "1000000"))


def child(scope: str) -> None:
    """Run in a fresh interpreter: request one report, generate it eagerly, print time and peak memory."""
    import datetime

    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from reports.services import request_report

    user = get_user_model().objects.get(username="admin")
    started = time.perf_counter()
    report = request_report(user=user, scope=scope, as_of=datetime.date.today())  # the job runs on commit
    report.refresh_from_db()
    elapsed = time.perf_counter() - started
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so it would report the parent bench's peak.
    hwm = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmHWM:"))
    peak_mb = int(hwm.split()[1]) / 1024
    print(json.dumps({"id": report.pk, "status": report.status, "pages": report.pages, "s": elapsed, "mb": peak_mb}))


def run_child(scope: str) -> dict:
    env = dict(os.environ, CELERY_TASK_ALWAYS_EAGER="1", PYTHONPATH=str(ROOT), LOG_LEVEL="WARNING")
    code = f"from bench.bench_reports import child; child({scope!r})"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from bench.common import client_for
    from reservists.models import Reservist

    started = time.perf_counter()
    call_command("seed_demo", reservists=RESERVISTS, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reservists_reservist")
    report("reports.seed_s (idempotent; 0 when already seeded)", time.perf_counter() - started, "s")
    report("reports.registry_rows", Reservist.objects.count(), "rows")

    national = run_child("nation")
    report("reports.national_request_to_pdf_s", national["s"], "s", "< 30")
    report("reports.national_peak_rss_mb", national["mb"], "MB", "< 500")
    report("reports.national_pages", national["pages"], "pages")
    county = run_child("TW-NWT")
    report("reports.county_request_to_pdf_s", county["s"], "s", "< 10")
    report("reports.county_peak_rss_mb", county["mb"], "MB")

    settings.PORTAL_REQUIRE_2FA = False  # the bench logs in with force_login; 2FA is the login's business
    User = get_user_model()
    admin = User.objects.get(username="admin")
    download = client_for(admin)
    samples = timed_ms(lambda: download.get(f"/reports/{national['id']}/pdf/"), repeat=5, warmup=1)
    report("reports.national_stamped_download_median_ms", median(samples), "ms")

    for username in ("admin", "ntpc", "banqiao", "taipower", "auditor"):
        client = client_for(User.objects.get(username=username))
        client.get("/reports/dashboard/")  # session and permission caches
        cache.clear()
        cold = timed_ms(lambda c=client: c.get("/reports/dashboard/"), repeat=1, warmup=0)[0]
        warm = timed_ms(lambda c=client: c.get("/reports/dashboard/"), repeat=20, warmup=2)
        home = timed_ms(lambda c=client: c.get("/"), repeat=10, warmup=1)
        report(f"reports.dashboard_{username}_cold_ms", cold, "ms")
        report(f"reports.dashboard_{username}_warm_median_ms", median(warm), "ms", "< 300")
        report(f"reports.home_dashboard_{username}_median_ms", median(home), "ms", "< 300")
