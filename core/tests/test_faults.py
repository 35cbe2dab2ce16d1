"""Faults: with Redis down, pages that don't need background work still serve, and starting a job says
clearly that background work is unavailable."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from core.testing import PASSWORD

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, django
django.setup()
from django.test import Client
from core import jobs
from core.models import Job
from core.tasks import self_test
from django.contrib.auth import get_user_model
from django.db import transaction

client = Client()
client.post("/login/", {"username": "t_staff", "password": PASSWORD})
pages = {path: client.get(path).status_code for path in ["/", "/regions/", "/api/regions/?level=county"]}
user = get_user_model().objects.get(username="t_staff")
with transaction.atomic():
    job = jobs.create_job("self-test", user)
    jobs.enqueue(job, self_test)
job.refresh_from_db()
print(json.dumps({"pages": pages, "status": job.status, "error": job.error}))
"""


@pytest.mark.django_db(transaction=True)
def test_redis_outage_keeps_pages_and_fails_jobs_clearly(users):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.test_settings",
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            "REDIS_URL": "redis://127.0.0.1:1/0",  # nothing listens there
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "LANGUAGE": "en",
        }
    )
    script = SCRIPT.replace("PASSWORD", repr(PASSWORD))
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["pages"] == {"/": 200, "/regions/": 200, "/api/regions/?level=county": 200}
    assert outcome["status"] == "failed"
    assert "背景作業目前無法使用" in outcome["error"] or "Background work is unavailable" in outcome["error"]
