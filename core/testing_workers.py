"""Real Celery worker processes for tests and benchmarks: started in their own process group, with their own
environment (queues, MEDIA_ROOT, extra settings), killed with SIGKILL as a crashed host would be.

One harness for every test or bench that needs a worker, so a change to how workers start (queues, pool,
settings) is made once."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config.queues import ALL as ALL_QUEUES

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_QUEUES = ",".join(ALL_QUEUES)  # every queue of config/queues.py


def database_url() -> str:
    """The URL of the database the current process is connected to (the test database inside pytest)."""
    from django.db import connection

    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def worker_environment(env: dict | None = None, settings_module: str = "config.test_settings") -> dict:
    """The environment of a worker process: this process's database, Redis and MEDIA_ROOT unless ENV says otherwise
    (a worker "on another host" gets its own MEDIA_ROOT, its storage settings, ...)."""
    from django.conf import settings as django_settings

    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DATABASE_URL": database_url(),
        "REDIS_URL": django_settings.REDIS_URL,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "MEDIA_ROOT": str(django_settings.MEDIA_ROOT),
        **(env or {}),
    }
    environment["TEST_MEDIA_ROOT"] = environment["MEDIA_ROOT"]  # config.test_settings reads this one
    return environment


def start_worker(
    name: str,
    *,
    queues: str = DEFAULT_QUEUES,
    env: dict | None = None,
    settings_module: str = "config.test_settings",
    concurrency: int = 1,
    output=subprocess.DEVNULL,
    nice: int = 0,
) -> subprocess.Popen:
    """A worker named NAME consuming QUEUES, on the current database and Redis unless ENV says otherwise.
    NICE lowers its CPU priority (print workers sharing a host with interactive ones, as `make run` has it)."""
    environment = worker_environment(env, settings_module)
    command = ["nice", "-n", str(nice)] if nice else []
    command += [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", queues]
    command += ["--pool=prefork", f"--concurrency={concurrency}", "--without-mingle", "--without-gossip"]
    command += ["--loglevel=INFO", "-n", f"{name}@%h"]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=output,
        stderr=output,
        start_new_session=True,  # its own process group: the kill takes the pool processes too
    )


def start_beat(schedule_dir: Path, *, env: dict | None = None, output=subprocess.DEVNULL) -> subprocess.Popen:
    """The scheduler (Celery beat) on the current database and Redis: it sends the periodic sweeps (lost print
    batches, interrupted jobs) as in production. Its schedule file is kept in SCHEDULE_DIR."""

    environment = worker_environment(env)
    command = [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=INFO"]
    command += [f"--schedule={Path(schedule_dir) / 'celerybeat-schedule'}"]
    return subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=output, start_new_session=True)


def kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool, as a host that dies would."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    """Poll PREDICATE until it returns something truthy; fail naming WHAT after TIMEOUT seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what}")
