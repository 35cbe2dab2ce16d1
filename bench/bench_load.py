"""Load test (issue 10): 20 simultaneous users browsing lists, opening records and calling the API over a
1,000,000-reservist registry, served by gunicorn on 127.0.0.1 only. Bounded: 30 s of load (LOAD_SECONDS).

Targets: p95 < 100 ms, >= 200 requests/s, no errors; the users offer a fixed LOAD_RATE (210 requests/s), see
bench/locustfile.py for why.
"""

import csv
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import report

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("LOAD_PORT", 8765))
SECONDS = int(os.environ.get("LOAD_SECONDS", 30))
USERS = int(os.environ.get("LOAD_USERS", 20))
PASSWORD = "load-test-Password-1234"


def prepare():
    from django.contrib.auth import get_user_model

    from bench.bench_reservists import seed
    from core.accounts import provision_user
    from core.tokens import issue_token
    from reservists.models import Reservist

    seed()
    user = provision_user("load_county", "local_gov", regions=["TW-NWT"], password=PASSWORD, check_password=False)
    api_user = provision_user("load_staff", "mnd_staff", password=PASSWORD, check_password=False)
    token = issue_token(api_user, two_factor=True)  # tokens expire: a fresh one each run
    ids = list(Reservist.objects.filter(township__code="220").values_list("pk", flat=True)[:500])
    assert get_user_model().objects.filter(pk=user.pk).exists() and ids
    return token.key, ids, sessions_for(user, USERS)


def sessions_for(user, count: int) -> list[str]:
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    SessionStore = import_module(settings.SESSION_ENGINE).SessionStore  # noqa: N806 (as the server stores them)
    keys = []
    for _ in range(count):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def serving_cpu_seconds(server) -> dict[tuple[str, int], float]:
    """CPU seconds so far of every process serving the load, by ("web" | "db", pid): gunicorn's processes and
    the PostgreSQL backends connected to the bench database."""
    import psutil
    from django.db import connection

    database = connection.settings_dict["NAME"]
    processes = [("web", proc) for proc in [server, *server.children(recursive=True)]]
    for proc in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(proc.info["cmdline"] or [])
        if proc.info["name"] == "postgres" and f" {database} " in cmdline:
            processes.append(("db", proc))
    seconds = {}
    for kind, proc in processes:
        try:
            times = proc.cpu_times()
        except psutil.Error:
            continue
        seconds[kind, proc.pid] = times.user + times.system
    return seconds


def warm_up(token: str, ids: list[int], sessions: list[str]) -> None:
    """Every worker boots, loads its templates and translations and fills the caches before the measured
    period: the figures are a running server's, not its first seconds'."""
    from concurrent.futures import ThreadPoolExecutor

    base = f"http://127.0.0.1:{PORT}"
    calls = []
    for session in sessions:
        page = {"Cookie": f"sessionid={session}"}
        api = {"Authorization": f"Token {token}"}
        calls += [("/", page), ("/reservists/", page), ("/reservists/?township=220", page)]
        calls += [(f"/reservists/{ids[0]}/", page), ("/api/reservists/", api), (f"/api/reservists/{ids[0]}/", api)]

    def call(item):
        path, headers = item
        with urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=30) as response:
            response.read()

    with ThreadPoolExecutor(USERS) as pool:
        list(pool.map(call, calls * 2))


def main():
    token, ids, sessions = prepare()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "ALLOWED_HOSTS": "127.0.0.1",
        "REQUIRE_2FA": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECURE_COOKIES": "0",
        "DJANGO_PLAIN_STATIC": "1",
        "RATE_LIMIT_TOKEN": "100000/minute",
    }
    # The production server settings (config/gunicorn.py: 2 x cores + 1 sync workers), on the loopback only.
    env["GUNICORN_BIND"] = f"127.0.0.1:{PORT}"
    if os.environ.get("LOAD_WORKERS"):
        env["WEB_CONCURRENCY"] = os.environ["LOAD_WORKERS"]
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", str(ROOT / "config/gunicorn.py"), "config.wsgi:application"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/login/", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        warm_up(token, ids, sessions)
        import psutil

        cpu_before = serving_cpu_seconds(psutil.Process(server.pid))
        generator_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        with tempfile.TemporaryDirectory() as tmp:
            load_env = {
                **env,
                "LOAD_TOKEN": token,
                "LOAD_IDS": ",".join(map(str, ids)),
                "LOAD_SESSIONS": ",".join(sessions),
            }
            subprocess.run(
                [
                    str(ROOT / ".venv/bin/locust"),
                    "-f",
                    str(ROOT / "bench/locustfile.py"),
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
                    f"{tmp}/load",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env=load_env,
                check=False,
                timeout=SECONDS + 120,
            )
            cpu_after = serving_cpu_seconds(psutil.Process(server.pid))
            generator = resource.getrusage(resource.RUSAGE_CHILDREN)  # locust, waited for above
            generator_seconds = (generator.ru_utime + generator.ru_stime) - (
                generator_before.ru_utime + generator_before.ru_stime
            )
            with open(f"{tmp}/load_stats.csv", encoding="utf-8") as fh:
                rows = {row["Name"]: row for row in csv.DictReader(fh)}
        total = rows["Aggregated"]
        for name, row in rows.items():
            if name != "Aggregated" and row["Request Count"] != "0":
                report(f"load.{name}.p95_ms", float(row["95%"]), "ms")
        report("load.requests", float(total["Request Count"]), "requests")
        report("load.p95_ms", float(total["95%"]), "ms", "< 100")
        report("load.requests_per_second", float(total["Requests/s"]), "req/s", ">= 200")
        report("load.failures", float(total["Failure Count"]), "errors", "0")
        with open("/proc/loadavg", encoding="ascii") as fh:  # other work on the machine lowers the figures
            report("load.loadavg_1min", float(fh.read().split()[0]), "")
        # What a request costs the server (gunicorn and PostgreSQL), whatever else the machine was doing; and the
        # rate two otherwise idle cores could serve at that cost, with the load generator elsewhere.
        requests = float(total["Request Count"])
        used = dict.fromkeys(("web", "db"), 0.0)
        for key, seconds in cpu_after.items():
            used[key[0]] += seconds - cpu_before.get(key, 0.0)
        if requests and sum(used.values()) > 0:
            per_request = sum(used.values()) * 1000 / requests
            report("load.server_cpu_ms_per_request", per_request, "ms")
            report("load.server_cpu_ms_per_request.gunicorn", used["web"] * 1000 / requests, "ms")
            report("load.server_cpu_ms_per_request.postgres", used["db"] * 1000 / requests, "ms")
            report("load.two_core_capacity_estimate", 2000 / per_request, "req/s")
            report("load.generator_cpu_ms_per_request", generator_seconds * 1000 / requests, "ms")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
