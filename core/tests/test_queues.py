"""Queues by kind of work: every task has a declared queue (config/queues.py), interactive work is apart from
bulk and print work, and every place that starts workers consumes every queue."""

import re
import shlex
from pathlib import Path

import yaml

from config import queues
from config.celery import app

ROOT = Path(__file__).resolve().parents[2]


def registered_tasks() -> list[str]:
    app.loader.import_default_modules()  # autodiscovery: every app's tasks module, as a worker loads them
    return sorted(app.tasks)


def queue_of(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_every_registered_task_has_a_declared_queue():
    names = registered_tasks()
    assert "mobilization.tasks.render_notice_batch" in names and "core.importing.run_import" in names
    undeclared = [name for name in names if not queues.declared(name)]
    assert not undeclared, f"tasks with no line in config/queues.py: {undeclared}"
    for name in names:
        assert queue_of(name) in queues.ALL, name
    stale = sorted(set(queues.TASK_QUEUES) - set(names))
    assert not stale, f"config/queues.py names tasks that do not exist: {stale}"


def test_kinds_of_work_are_on_their_queues():
    assert queue_of("mobilization.tasks.select_candidates") == "interactive"
    assert queue_of("reports.generate_report") == "interactive"
    assert queue_of("mobilization.tasks.issue_notices") == "bulk"
    assert queue_of("core.importing.run_import") == "bulk"
    assert queue_of("mobilization.lifecycle.apply_order_change") == "bulk"
    assert queue_of("mobilization.lifecycle.replace_gaps") == "bulk"
    assert queue_of("mobilization.tasks.render_notice_batch") == "print"
    assert queue_of("selfservice.send_signin_code") == "alerts"
    # The sweeps that rescue lost work run where a long bulk or print queue cannot hold them up.
    assert queue_of("mobilization.requeue_lost_batches") == "interactive"


def test_make_run_consumes_every_queue_and_keeps_interactive_apart():
    text = (ROOT / "scripts" / "run.sh").read_text()
    consumed = [m.split(",") for m in re.findall(r"celery -A config worker -Q (\S+)", text)]
    assert sorted(q for group in consumed for q in group) == sorted(queues.ALL)
    assert not any("interactive" in group and "print" in group for group in consumed)


def test_the_worker_harness_consumes_every_queue():
    from core.testing_workers import DEFAULT_QUEUES

    assert sorted(DEFAULT_QUEUES.split(",")) == sorted(queues.ALL)


def test_compose_runs_a_scalable_worker_per_queue_on_object_storage():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    for queue in queues.ALL:
        worker = services[f"worker-{queue}"]
        command = worker["command"]
        assert command[command.index("-Q") + 1] == queue
        assert "container_name" not in worker and "ports" not in worker  # --scale worker-print=N works
        assert worker["environment"]["STORAGE_BACKEND"] == "s3"
        assert worker["environment"]["S3_ENDPOINT_URL"] == "http://objectstore:9000"
        assert "volumes" not in worker  # no shared disk: files are in the object store
    assert services["web"]["environment"]["STORAGE_BACKEND"] == "s3"
    assert "minio" in services["objectstore"]["image"]
    bucket = services["bucket"]
    assert bucket["restart"] == "no" and "mc mb" in " ".join(shlex.quote(x) for x in bucket["entrypoint"])
    assert "objectstore" in bucket["depends_on"]
    assert not any(name == "worker" for name in services)  # no catch-all worker left
