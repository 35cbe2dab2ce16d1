"""Load profile of issue 20's lookup rush: reservists sign in with a code and open their call-ups.

Run by bench/bench_selfservice.py against a local gunicorn; not meant for any other host. Each task is one
reservist's visit: POST sign-in, read the code from the development delivery backend (the database), POST verify,
GET the call-ups (API) and the home page. The users pace themselves so that together they offer SELFSERVICE_RATE
requests/s (4 requests per visit). A visit whose code did not arrive or did not work is a lost code.
"""

import os
import random
import re
import time

import psycopg2
from dj_database_url import parse
from locust import FastHttpUser, constant_throughput, events, task

with open(os.environ["SELFSERVICE_PEOPLE_FILE"], encoding="utf-8") as _fh:
    PEOPLE = [line.split(",") for line in _fh.read().split()]
USERS = int(os.environ.get("SELFSERVICE_USERS", 30))
RATE = float(os.environ.get("SELFSERVICE_RATE", 150))
RESULTS = os.environ["SELFSERVICE_RESULTS"]
REQUESTS_PER_VISIT = 4
CODE = re.compile(r"\b(\d{6})\b")
_outcomes: list[str] = []


def connect():
    cfg = parse(os.environ["DATABASE_URL"])
    conn = psycopg2.connect(
        dbname=cfg["NAME"], user=cfg["USER"], host=cfg["HOST"], port=cfg["PORT"] or 5432, password=cfg["PASSWORD"]
    )
    conn.autocommit = True
    return conn


class Reservist(FastHttpUser):
    wait_time = constant_throughput(RATE / REQUESTS_PER_VISIT / USERS)

    def on_start(self):
        self.db = connect()

    def code_for(self, phone: str, after: int) -> str | None:
        for _ in range(20):
            with self.db.cursor() as cur:
                cur.execute(
                    "SELECT body FROM mobilization_deliverymessage WHERE recipient = %s AND id > %s "
                    "ORDER BY id DESC LIMIT 1",
                    [phone, after],
                )
                row = cur.fetchone()
            if row:
                return CODE.search(row[0]).group(1)
            time.sleep(0.05)
        return None

    def last_message_id(self) -> int:
        with self.db.cursor() as cur:
            cur.execute("SELECT coalesce(max(id), 0) FROM mobilization_deliverymessage")
            return cur.fetchone()[0]

    @task
    def visit(self):
        nid, birth, phone = random.choice(PEOPLE)
        before = self.last_message_id()
        with self.client.post(
            "/api/my/sign-in/", json={"national_id": nid, "birth_date": birth}, name="sign-in", catch_response=True
        ) as r:
            if r.status_code != 202:
                r.failure(f"HTTP {r.status_code}")
                return
            challenge = r.json()["challenge"]
        code = self.code_for(phone, before)
        if code is None:
            _outcomes.append("lost")
            return
        with self.client.post(
            "/api/my/verify/", json={"code": code, "challenge": challenge}, name="verify", catch_response=True
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")
                _outcomes.append("lost")
                return
            token = r.json()["token"]
        _outcomes.append("ok")
        with self.client.get(
            "/api/my/call-ups/", headers={"Authorization": f"Bearer {token}"}, name="call-ups", catch_response=True
        ) as r:
            if r.status_code != 200 or not r.json()["upcoming"]:
                r.failure(f"HTTP {r.status_code}")
        with self.client.get(
            "/my/", headers={"Cookie": f"my_session={token}"}, name="/my/", catch_response=True, allow_redirects=False
        ) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")


@events.quitting.add_listener
def _write_outcomes(environment, **kwargs):
    with open(RESULTS, "w", encoding="ascii") as fh:
        fh.write("\n".join(_outcomes))
