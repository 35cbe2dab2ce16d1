"""Reservist self-service (issue 20): the lookup rush and sign-in abuse.

1. The lookup rush: simulated reservists sign in (POST /api/my/sign-in/, the code read from the development
   delivery backend, POST /api/my/verify/) and open their call-ups (GET /api/my/call-ups/ and the page /my/) at a
   fixed SELFSERVICE_RATE (150) requests/s against gunicorn on 127.0.0.1, for SELFSERVICE_SECONDS (30) seconds.
   Targets: p95 < 150 ms, 0 errors, no lost codes (every sign-in that asked for a code got one that worked).
   The load comes from bench/loadgen_selfservice.py, an open-loop asyncio generator (a visit starts every
   4 / RATE s whatever the server answers; it uses a few percent of a core), or from locust with
   SELFSERVICE_LOADGEN=locust (closed loop, about a core of its own). LOAD_WORKERS sets gunicorn's workers.
   The load average before and after is printed beside the figures: on a shared machine it decides them.
   The server runs Celery eagerly (the code is handed to the delivery backend inside the request), so the
   figure includes sending; the per-client limits are lifted, as the whole rush comes from one address.
2. Sign-in abuse: SELFSERVICE_ABUSE (10,000) sign-in attempts for random national IDs from one client, with 1 in
   100 a registered person, in-process under the configured limits. Targets: codes issued <= the per-client
   limit per window elapsed, every answer 202 with the same body shape, and registered and unknown IDs answered
   in alike times (median difference reported).
"""

import csv
import datetime
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import p95, report

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("SELFSERVICE_PORT", 8766))
SECONDS = int(os.environ.get("SELFSERVICE_SECONDS", 30))
RATE = float(os.environ.get("SELFSERVICE_RATE", 150))
USERS = int(os.environ.get("SELFSERVICE_USERS", 30))
PEOPLE = int(os.environ.get("SELFSERVICE_PEOPLE", 3000))
ABUSE = int(os.environ.get("SELFSERVICE_ABUSE", 10_000))
TITLE = "bench selfservice"


def national_id(n: int) -> str:
    from core.pii import check_digit

    prefix = "Z1" + f"{n:07d}"
    return prefix + check_digit(prefix)


def prepare() -> list[tuple[str, str]]:
    """PEOPLE reservists in 板橋 with a phone and a notice of one issued order: (national ID, birth date, phone)."""
    from django.db import transaction

    from core.models import Region
    from mobilization.models import CallUpOrder, Notice
    from reservists.models import Reservist

    town = Region.objects.get(code="220", level="township")
    birth = datetime.date(1998, 5, 1)
    with transaction.atomic():
        order, created = CallUpOrder.objects.get_or_create(
            title=TITLE,
            defaults={
                "mobilization_type": "educational",
                "report_date": datetime.date(2027, 3, 15),
                "days": 5,
                "quota": PEOPLE,
                "status": "issued",
            },
        )
        have = set(Reservist.objects.filter(national_id__startswith="Z1").values_list("national_id", flat=True))
        Reservist.objects.bulk_create(
            [
                Reservist(
                    national_id=national_id(i),
                    name="林大明",
                    birth_date=birth,
                    branch="army",
                    retirement_date=datetime.date(2021, 6, 30),
                    township=town,
                    phone=f"09{i:08d}",
                )
                for i in range(PEOPLE)
                if national_id(i) not in have
            ],
            batch_size=2000,
        )
        # The bench's own people by their IDs: a national registry loaded into the same database (bench_national)
        # has people whose IDs start with Z1 too, with other birth dates, who would sign in with a wrong one.
        people = list(
            Reservist.objects.filter(national_id__in=[national_id(i) for i in range(PEOPLE)])
            .exclude(phone="")
            .order_by("id")
            .values_list("pk", "national_id", "phone", "birth_date")
        )
        called = set(Notice.objects.filter(order=order).values_list("reservist_id", flat=True))
        Notice.objects.bulk_create(
            [
                Notice(
                    order=order,
                    reservist_id=pk,
                    township=town,
                    sequence=i + 1,
                    number=f"116E{order.pk:05d}-{i + 1:06d}",
                    report_date=order.report_date,
                    report_time=datetime.time(8, 0),
                    assembly_point="板橋營區",
                    verification_code=f"BSS{order.pk:05d}{i:010d}",
                    status="sent",
                )
                for i, (pk, _nid, _phone, _birth) in enumerate(people)
                if pk not in called
            ],
            batch_size=2000,
        )
    return [(nid, born.isoformat(), phone) for _pk, nid, phone, born in people]


def rush(people) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_PLAIN_STATIC": "1",
        "CELERY_TASK_ALWAYS_EAGER": "1",
        "RATE_LIMIT_SELFSERVICE_SIGNIN": "1000000/minute",
        "RATE_LIMIT_SELFSERVICE_CODE": "1000000/hour",
        "RATE_LIMIT_SELFSERVICE_VERIFY": "1000000/minute",
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
    }
    if os.environ.get("LOAD_WORKERS"):
        env["WEB_CONCURRENCY"] = os.environ["LOAD_WORKERS"]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "config/gunicorn.py"), "config.wsgi:application"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/my/sign-in/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        import psutil

        from bench.bench_load import serving_cpu_seconds

        cpu_before = serving_cpu_seconds(psutil.Process(server.pid))
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
            fh.write("\n".join(",".join(person) for person in people))
            people_file = fh.name
        with open("/proc/loadavg", encoding="ascii") as fh:  # other work on the machine slows everything
            report("selfservice.rush.loadavg_1min_before", float(fh.read().split()[0]), "")
        if os.environ.get("SELFSERVICE_LOADGEN", "asyncio") == "locust":
            rows, outcomes = _run_locust(env, people_file)
            total = rows["Aggregated"]
            for name, row in rows.items():
                if name != "Aggregated" and row["Request Count"] != "0":
                    report(f"selfservice.rush.{name}.p95_ms", float(row["95%"]), "ms")
            requests, failures = float(total["Request Count"]), float(total["Failure Count"])
            p95_all, per_second = float(total["95%"]), float(total["Requests/s"])
            ok, lost = outcomes.count("ok"), outcomes.count("lost")
        else:
            results = _run_asyncio(env, people_file)
            every = [ms for values in results["latency_ms"].values() for ms in values]
            for name, values in results["latency_ms"].items():
                if values:
                    report(f"selfservice.rush.{name}.p95_ms", p95(values), "ms")
                    report(f"selfservice.rush.{name}.median_ms", statistics.median(values), "ms")
            requests = float(len(every))
            failures = float(sum(results["errors"].values()))
            p95_all = p95(every) if every else 0.0
            per_second = requests / results["elapsed_s"]
            ok, lost = results["outcomes"]["ok"], results["outcomes"]["lost"]
            for why, count in sorted(results["errors"].items()):
                print(f"   error: {why} x{count}", flush=True)
            report("selfservice.rush.generator_cpu_s", results["generator_cpu_s"], "s")
            report("selfservice.rush.generator_late_starts", float(results["late_starts"]), "visits", "0")
        cpu_after = serving_cpu_seconds(psutil.Process(server.pid))
        os.unlink(people_file)
        report("selfservice.rush.requests", requests, "requests")
        report("selfservice.rush.p95_ms", p95_all, "ms", "< 150")
        report("selfservice.rush.requests_per_second", per_second, "req/s", f"{RATE:.0f} offered")
        report("selfservice.rush.failures", failures, "errors", "0")
        report("selfservice.rush.sign_ins", float(ok + lost), "sign-ins")
        report("selfservice.rush.lost_codes", float(lost), "codes", "0")
        with open("/proc/loadavg", encoding="ascii") as fh:
            report("selfservice.rush.loadavg_1min", float(fh.read().split()[0]), "")
        used = sum(seconds - cpu_before.get(key, 0.0) for key, seconds in cpu_after.items())
        if requests and used > 0:
            # What a request costs gunicorn and PostgreSQL, whatever else the machine was doing.
            report("selfservice.rush.server_cpu_ms_per_request", used * 1000 / requests, "ms")
            report("selfservice.rush.two_core_capacity_estimate", 2000 / (used * 1000 / requests), "req/s")
            for kind in ("web", "db"):
                part = sum(s - cpu_before.get(key, 0.0) for key, s in cpu_after.items() if key[0] == kind)
                report(f"selfservice.rush.{kind}_cpu_ms_per_request", part * 1000 / requests, "ms")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def _run_asyncio(env, people_file) -> dict:
    """The open-loop asyncio generator (bench/loadgen_selfservice.py): a fixed arrival rate, a fraction of a core."""
    import json

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench/loadgen_selfservice.py"),
                "127.0.0.1",
                str(PORT),
                str(RATE),
                str(SECONDS),
                people_file,
                f"{tmp}/results.json",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=SECONDS + 120,
        )
        with open(f"{tmp}/results.json", encoding="utf-8") as fh:
            return json.load(fh)


def _run_locust(env, people_file) -> tuple[dict, list[str]]:
    """Locust (SELFSERVICE_LOADGEN=locust): closed-loop users paced to the rate; it needs about a core itself."""
    with tempfile.TemporaryDirectory() as tmp:
        load_env = {
            **env,
            "SELFSERVICE_PEOPLE_FILE": people_file,
            "SELFSERVICE_RESULTS": f"{tmp}/codes.txt",
            "SELFSERVICE_RATE": str(RATE),
            "SELFSERVICE_USERS": str(USERS),
        }
        subprocess.run(
            [
                str(ROOT / ".venv/bin/locust"),
                "-f",
                str(ROOT / "bench/locustfile_selfservice.py"),
                "--headless",
                "-u",
                str(USERS),
                "-r",
                str(USERS),
                "-t",
                f"{SECONDS}s",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                f"{tmp}/rush",
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=load_env,
            check=False,
            timeout=SECONDS + 120,
        )
        with open(f"{tmp}/rush_stats.csv", encoding="utf-8") as fh:
            rows = {row["Name"]: row for row in csv.DictReader(fh)}
        outcomes = Path(f"{tmp}/codes.txt").read_text().split() if Path(f"{tmp}/codes.txt").exists() else []
    return rows, outcomes


def abuse(people) -> None:
    """Random national IDs (valid checksums) from one client under the configured limits."""
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from config.celery import app as celery_app
    from core.pii import check_digit
    from core.ratelimit import parse_rate
    from mobilization.models import DeliveryMessage
    from selfservice.models import Challenge

    celery_app.conf.task_always_eager = True  # codes are handed to the delivery backend here, as in the rush
    cache.clear()  # fresh counters: the rush above lifted the limits in another process
    limit, period = parse_rate(settings.PORTAL_RATE_LIMITS["selfservice_signin"])
    client = Client(REMOTE_ADDR="198.51.100.7")
    rng = random.Random(20)
    challenges_before = Challenge.objects.count()
    messages_before = DeliveryMessage.objects.count()
    shapes, times = set(), {"known": [], "unknown": []}
    statuses = set()
    started = time.time()
    for i in range(ABUSE):
        if i % 100 == 0:
            nid, birth, _phone = people[rng.randrange(len(people))]
            kind = "known"
        else:
            prefix = rng.choice("ABCDEFGHJKLMNPQRSTUVXYWZIO") + rng.choice("12") + f"{rng.randrange(10**7):07d}"
            nid, birth, kind = prefix + check_digit(prefix), "1990-01-01", "unknown"
        t0 = time.perf_counter()
        response = client.post(
            "/api/my/sign-in/", {"national_id": nid, "birth_date": birth}, content_type="application/json"
        )
        times[kind].append((time.perf_counter() - t0) * 1000)
        statuses.add(response.status_code)
        body = response.json()
        shapes.add((response.status_code, tuple(sorted(body)), body.get("detail"), len(body.get("challenge", ""))))
    elapsed = time.time() - started
    windows = int(elapsed // period) + 2  # the first and last windows are partial
    issued = Challenge.objects.count() - challenges_before
    sent = DeliveryMessage.objects.count() - messages_before
    report("selfservice.abuse.attempts", float(ABUSE), "attempts")
    report("selfservice.abuse.codes_issued", float(issued), "codes", f"<= {limit} per {period} s x {windows} windows")
    report("selfservice.abuse.codes_sent", float(sent), "messages", f"<= {limit * windows}")
    report("selfservice.abuse.distinct_answers", float(len(shapes)), "shapes", "1")
    report("selfservice.abuse.all_202", 1.0 if statuses == {202} else 0.0, "", "1")
    report("selfservice.abuse.median_known_ms", statistics.median(times["known"]), "ms")
    report("selfservice.abuse.median_unknown_ms", statistics.median(times["unknown"]), "ms")
    report("selfservice.abuse.p95_unknown_ms", p95(times["unknown"]), "ms")
    assert issued <= limit * windows and statuses == {202} and len(shapes) == 1


def main():
    people = prepare()
    if os.environ.get("SELFSERVICE_SKIP_RUSH") != "1":
        rush(people)
    abuse(people)


if __name__ == "__main__":
    sys.exit(main())
