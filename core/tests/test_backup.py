"""`make backup` and `make restore` bring back the same records and generated files."""

import os
import subprocess
from pathlib import Path

import psycopg2

from scripts.pgtool import libpq_url

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DB = "portal_backup_source"
TARGET_DB = "portal_backup_target"


def admin_conn():
    import dj_database_url

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(libpq_url(cfg, "postgres"))
    conn.autocommit = True
    return conn, cfg


def url_for(cfg, name):
    host = cfg["HOST"] or "localhost"
    return f"postgres://{cfg['USER']}@{host}:{cfg['PORT'] or 5432}/{name}"


def run(script, *args, env):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / script), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


def test_backup_and_restore_round_trip(tmp_path):
    conn, cfg = admin_conn()
    with conn.cursor() as cur:
        for name in (SOURCE_DB, TARGET_DB):
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{SOURCE_DB}"')
    source_url = url_for(cfg, SOURCE_DB)
    with psycopg2.connect(libpq_url(cfg, SOURCE_DB)) as src, src.cursor() as cur:
        cur.execute("CREATE TABLE registry (id serial PRIMARY KEY, national_id text, name text)")
        cur.execute(
            "INSERT INTO registry (national_id, name) SELECT 'A1' || lpad(g::text, 8, '0'), '王' || g "
            "FROM generate_series(1, 500) g"
        )
    media = tmp_path / "media"
    (media / "reports").mkdir(parents=True)
    (media / "reports" / "r1.pdf").write_bytes(b"%PDF-1.7 sample")
    env = {**os.environ, "DATABASE_URL": source_url, "MEDIA_ROOT": str(media), "BACKUP_DIR": str(tmp_path / "bk")}
    backup = run("backup.sh", env=env)
    assert backup.returncode == 0, backup.stderr
    assert (tmp_path / "bk" / "database.dump").stat().st_size > 0

    restored_media = tmp_path / "restored-media"
    restore_env = {**env, "DATABASE_URL": url_for(cfg, TARGET_DB), "MEDIA_ROOT": str(restored_media)}
    restore = run("restore.sh", str(tmp_path / "bk"), env=restore_env)
    assert restore.returncode == 0, restore.stderr
    with psycopg2.connect(libpq_url(cfg, TARGET_DB)) as dst, dst.cursor() as cur:
        cur.execute("SELECT count(*), min(national_id), max(name) FROM registry")
        assert cur.fetchone() == (500, "A100000001", "王99")
    assert (restored_media / "reports" / "r1.pdf").read_bytes() == b"%PDF-1.7 sample"

    # a tampered backup is refused before anything is touched
    (tmp_path / "bk" / "media.tar.gz").write_bytes(b"tampered")
    assert run("restore.sh", str(tmp_path / "bk"), env=restore_env).returncode != 0
    with psycopg2.connect(libpq_url(cfg, TARGET_DB)) as dst, dst.cursor() as cur:
        cur.execute("SELECT count(*) FROM registry")
        assert cur.fetchone() == (500,)
    with conn.cursor() as cur:
        for name in (SOURCE_DB, TARGET_DB):
            cur.execute(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
    conn.close()
