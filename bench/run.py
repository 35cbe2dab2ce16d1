"""`make bench`: run every bench/bench_*.py (each has `main()` printing its figures) against BENCH database.

Each benchmark prepares its own data (it may take minutes at national scale) and prints lines like
`reservists.list_first_page_median_ms 12.3  (target < 50)`. `python bench/run.py reservists` runs one.
"""

import importlib
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "0")
os.environ.setdefault("DJANGO_PLAIN_STATIC", "1")


def ensure_database():
    import psycopg2
    from dj_database_url import parse

    cfg = parse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(dbname="postgres", user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or 5432)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    conn.close()


def main(argv: list[str]) -> int:
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    # `--scale=0.1`: benches that build national data (bench_national) build a tenth of it.
    for arg in [a for a in argv if a.startswith("--scale=")]:
        os.environ["BENCH_SCALE"] = arg.split("=", 1)[1]
    wanted = {a for a in argv if not a.startswith("--")}
    modules = sorted(p.stem for p in (ROOT / "bench").glob("bench_*.py"))
    failures = 0
    for name in modules:
        short = name.removeprefix("bench_")
        if wanted and short not in wanted:
            continue
        print(f"== {short}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception as exc:  # report and go on with the others
            failures += 1
            print(f"   FAILED: {type(exc).__name__}: {exc}", flush=True)
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
