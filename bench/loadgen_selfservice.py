"""An open-loop load generator for the self-service lookup rush (bench/bench_selfservice.py runs it).

Locust spends about a core of its own at 150 requests/s (gevent, its stats), on a machine whose two cores also
serve the requests. This generator is plain asyncio on raw sockets: a new reservist's visit starts every
4 / RATE seconds whatever the server answers (open loop: a slow server meets the same arrival rate, as in a real
rush, instead of the load backing off), and each visit is POST sign-in, the code read from the development delivery
backend (the database), POST verify, GET the call-ups (API) and GET /my/. It records each request's latency from
its send to the end of its answer, errors (anything but the expected status, or no answer within 10 s) and lost
codes (a sign-in whose code never arrived or did not work), and writes them as JSON.

Usage: python bench/loadgen_selfservice.py HOST PORT RATE SECONDS PEOPLE_FILE RESULTS_JSON
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import sys
import time

import psycopg2
from dj_database_url import parse

CODE = re.compile(rb"\b(\d{6})\b")
REQUESTS_PER_VISIT = 4
TIMEOUT = 10.0


class Results:
    def __init__(self):
        self.latency: dict[str, list[float]] = {"sign-in": [], "verify": [], "call-ups": [], "/my/": []}
        self.errors: dict[str, int] = {}
        self.outcomes = {"ok": 0, "lost": 0}
        self.late_starts = 0

    def error(self, name: str, why: str) -> None:
        key = f"{name}: {why}"
        self.errors[key] = self.errors.get(key, 0) + 1


async def request(host, port, method, path, body: bytes = b"", headers: dict | None = None) -> tuple[int, bytes]:
    """One HTTP/1.1 request on its own connection (gunicorn's sync workers close after each answer)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close", "Accept: */*"]
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        if body:
            lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    head, _sep, payload = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/") else 0
    if b"transfer-encoding: chunked" in head.lower():
        payload = _unchunk(payload)
    return status, payload


def _unchunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size_line, _sep, rest = rest.partition(b"\r\n")
        size = int(size_line.split(b";")[0] or b"0", 16)
        if size == 0:
            break
        out, rest = out + rest[:size], rest[size + 2 :]
    return out


class Visitor:
    def __init__(self, host, port, results: Results, db_url: str):
        self.host, self.port, self.results = host, port, results
        cfg = parse(db_url)
        self.db_cfg = {
            "dbname": cfg["NAME"],
            "user": cfg["USER"],
            "host": cfg["HOST"],
            "port": cfg["PORT"] or 5432,
            "password": cfg["PASSWORD"],
        }
        self.pool: list = []

    def _query(self, sql, params):
        conn = self.pool.pop() if self.pool else psycopg2.connect(**self.db_cfg)
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchone()
        finally:
            self.pool.append(conn)

    async def db(self, sql, params):
        return await asyncio.to_thread(self._query, sql, params)

    async def timed(self, name, method, path, expect, **kw) -> bytes | None:
        started = time.perf_counter()
        try:
            status, payload = await asyncio.wait_for(request(self.host, self.port, method, path, **kw), TIMEOUT)
        except (TimeoutError, OSError) as exc:
            self.results.error(name, type(exc).__name__)
            return None
        self.results.latency[name].append((time.perf_counter() - started) * 1000)
        if status != expect:
            self.results.error(name, f"HTTP {status}")
            return None
        return payload

    async def code_for(self, phone: str, after: int) -> str | None:
        for _ in range(40):
            row = await self.db(
                "SELECT body FROM mobilization_deliverymessage WHERE recipient = %s AND id > %s "
                "ORDER BY id DESC LIMIT 1",
                [phone, after],
            )
            if row:
                match = CODE.search(row[0].encode())
                return match.group(1).decode() if match else None
            await asyncio.sleep(0.05)
        return None

    async def visit(self, person) -> None:
        nid, birth, phone = person
        (before,) = await self.db("SELECT coalesce(max(id), 0) FROM mobilization_deliverymessage", [])
        body = json.dumps({"national_id": nid, "birth_date": birth}).encode()
        answer = await self.timed("sign-in", "POST", "/api/my/sign-in/", 202, body=body)
        if answer is None:
            return
        challenge = json.loads(answer)["challenge"]
        code = await self.code_for(phone, before)
        if code is None:
            self.results.outcomes["lost"] += 1
            return
        body = json.dumps({"code": code, "challenge": challenge}).encode()
        answer = await self.timed("verify", "POST", "/api/my/verify/", 200, body=body)
        if answer is None:
            self.results.outcomes["lost"] += 1
            return
        self.results.outcomes["ok"] += 1
        token = json.loads(answer)["token"]
        answer = await self.timed(
            "call-ups", "GET", "/api/my/call-ups/", 200, headers={"Authorization": f"Bearer {token}"}
        )
        if answer is not None and not json.loads(answer).get("upcoming"):
            self.results.error("call-ups", "no upcoming call-up")
        await self.timed("/my/", "GET", "/my/", 200, headers={"Cookie": f"my_session={token}"})


async def run(host, port, rate, seconds, people, results: Results) -> float:
    visitor = Visitor(host, port, results, os.environ["DATABASE_URL"])
    interval = REQUESTS_PER_VISIT / rate
    rng = random.Random(7)
    tasks = []
    started = time.perf_counter()
    n = 0
    while True:
        due = started + n * interval
        now = time.perf_counter()
        if due - started >= seconds:
            break
        if due > now:
            await asyncio.sleep(due - now)
        elif now - due > 0.05:
            results.late_starts += 1  # the generator itself fell behind (reported: it must stay near 0)
        tasks.append(asyncio.create_task(visitor.visit(rng.choice(people))))
        n += 1
    await asyncio.gather(*tasks)
    return time.perf_counter() - started


def main(argv) -> int:
    host, port, rate, seconds, people_file, out = argv
    with open(people_file, encoding="utf-8") as fh:
        people = [line.split(",") for line in fh.read().split()]
    results = Results()
    cpu = time.process_time()
    elapsed = asyncio.run(run(host, int(port), float(rate), float(seconds), people, results))
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(
            {
                "elapsed_s": elapsed,
                "latency_ms": results.latency,
                "errors": results.errors,
                "outcomes": results.outcomes,
                "late_starts": results.late_starts,
                "generator_cpu_s": time.process_time() - cpu,
            },
            fh,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
