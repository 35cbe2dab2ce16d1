"""Load profile of issue 10: officials browsing lists, opening records and calling the API.

Run by bench/bench_load.py against a local gunicorn; not meant for any other host.

The offered rate is fixed. The issue asks for "20 simultaneous users ... at least 200 requests/s, p95 under
100 ms": each of the LOAD_USERS users paces itself (constant_throughput) so that together they offer LOAD_RATE
requests/s (default 210, a little over the 200 asked). With users that only paused 0-50 ms between requests the
test ran the server at saturation, and its p95 was mostly the time requests spent queued behind each other: a
figure of the load generator's eagerness, not of the portal at the rate the issue names. So: p95 is measured at
the named rate, and the requests/s figure is what was actually served (below LOAD_RATE when the server cannot
keep up, since a user whose request is slower than its pace starts the next one at once).
"""

import os
import random

from locust import FastHttpUser, constant_throughput, task

TOKEN = os.environ["LOAD_TOKEN"]
IDS = [int(x) for x in os.environ["LOAD_IDS"].split(",")]
SESSIONS = os.environ["LOAD_SESSIONS"].split(",")
USERS = int(os.environ.get("LOAD_USERS", 20))
RATE = float(os.environ.get("LOAD_RATE", 210))  # requests/s offered by all users together


class Official(FastHttpUser):
    """FastHttpUser: the load generator shares the machine's two cores with the server it measures, so it
    should take as little of them as it can."""

    wait_time = constant_throughput(RATE / USERS)  # tasks per second per user

    def on_start(self):
        # Officials who logged in before the measured period (password hashing is not what is measured).
        self.page = {"Cookie": f"sessionid={random.choice(SESSIONS)}"}
        self.api = {"Authorization": f"Token {TOKEN}"}

    def get(self, path: str, headers: dict, name: str):
        """Only a 200 counts: a lost session would otherwise pass as a redirect to the login page."""
        with self.client.get(path, headers=headers, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"HTTP {r.status_code}")

    @task(3)
    def registry_list(self):
        self.get("/reservists/", self.page, "/reservists/")

    @task(2)
    def registry_list_filtered(self):
        self.get("/reservists/?township=220", self.page, "/reservists/?township")

    @task(3)
    def open_record(self):
        self.get(f"/reservists/{random.choice(IDS)}/", self.page, "/reservists/{id}/")

    @task(3)
    def api_list(self):
        self.get("/api/reservists/", self.api, "/api/reservists/")

    @task(3)
    def api_detail(self):
        self.get(f"/api/reservists/{random.choice(IDS)}/", self.api, "/api/reservists/{id}/")

    @task(1)
    def dashboard(self):
        self.get("/", self.page, "/")
