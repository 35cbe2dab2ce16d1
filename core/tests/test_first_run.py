"""The first command on a fresh machine: `migrate` on an empty database without Redis, and a cache that cannot
be written never breaking a write to the database (issue: `make run` died in `migrate` on `core_cache`)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection, transaction

from core.cache import ResilientDatabaseCache
from core.models import Region

ROOT = Path(__file__).resolve().parents[2]


def _admin_dsn() -> str:
    db = settings.DATABASES["default"]
    return f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} user={db['USER']} dbname=postgres"


@pytest.mark.parametrize("debug", ["1", "0"])
def test_migrate_on_a_fresh_database_without_redis(debug):
    name = f"portal_firstrun_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(_admin_dsn())
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        db = settings.DATABASES["default"]
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE")}
        env.update(
            DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}",
            DJANGO_DEBUG=debug,
            SECRET_KEY="first-run-test-key-0123456789abcdef0123456789abcdef",
            ALLOWED_HOSTS="localhost",
        )
        done = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
        if debug == "1":  # a second `make run` in the same checkout migrates an up-to-date database
            again = subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            assert again.returncode == 0, again.stderr[-4000:]
        check = psycopg2.connect(env["DATABASE_URL"])
        with check.cursor() as cur:
            cur.execute("SELECT to_regclass('core_cache') IS NOT NULL, (SELECT count(*) FROM core_region)")
            has_cache_table, regions = cur.fetchone()
        check.close()
        assert has_cache_table and regions > 300
    finally:
        with admin.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_a_cache_that_cannot_be_written_does_not_break_the_database_write():
    broken = ResilientDatabaseCache("no_such_cache_table", {})
    with transaction.atomic():
        broken.set("k", "v")  # the table does not exist: the cache statement fails in its own savepoint
        assert broken.get("k", "missing") == "missing"
        Region.objects.filter(code="220").update(name_en="Banqiao (first-run test)")
    assert Region.objects.get(code="220").name_en == "Banqiao (first-run test)"
    with pytest.raises(ValueError):
        broken.incr("k")
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
