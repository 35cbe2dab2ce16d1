"""Load profile of issue 10: officials browsing lists, opening records and calling the API.

Run by bench/bench_load.py against a local gunicorn; not meant for any other host.
"""

import os
import random

from locust import HttpUser, between, task

TOKEN = os.environ["LOAD_TOKEN"]
IDS = [int(x) for x in os.environ["LOAD_IDS"].split(",")]
SESSIONS = os.environ["LOAD_SESSIONS"].split(",")


class Official(HttpUser):
    wait_time = between(0.0, 0.05)

    def on_start(self):
        # Officials who logged in before the measured period (password hashing is not what is measured).
        self.client.cookies.set("sessionid", random.choice(SESSIONS))
        self.api = {"Authorization": f"Token {TOKEN}"}

    @task(3)
    def registry_list(self):
        self.client.get("/reservists/", name="/reservists/")

    @task(2)
    def registry_list_filtered(self):
        self.client.get("/reservists/?township=220", name="/reservists/?township")

    @task(3)
    def open_record(self):
        self.client.get(f"/reservists/{random.choice(IDS)}/", name="/reservists/{id}/")

    @task(3)
    def api_list(self):
        self.client.get("/api/reservists/", headers=self.api, name="/api/reservists/")

    @task(3)
    def api_detail(self):
        self.client.get(f"/api/reservists/{random.choice(IDS)}/", headers=self.api, name="/api/reservists/{id}/")

    @task(1)
    def dashboard(self):
        self.client.get("/", name="/")
