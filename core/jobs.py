"""Background-job records: create one, hand it to Celery after commit, report progress, end it.

Tasks take the job id, are idempotent, and update the row with guarded updates so a page can poll it.
If the broker is unreachable, the job fails at once with a message saying background work is unavailable.
"""

from __future__ import annotations

import logging
import traceback
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import audit_context
from .choices import JobStatus
from .models import Job

log = logging.getLogger(__name__)


def create_job(kind: str, user=None, params: dict | None = None, total: int = 0, message: str = "") -> Job:
    return Job.objects.create(
        kind=kind,
        created_by=user if user is not None and user.is_authenticated else None,
        created_by_name=user.get_username() if user is not None and user.is_authenticated else "",
        params=params or {},
        total=total,
        message=message,
    )


def enqueue(job: Job, task, *args, **kwargs) -> None:
    """Send `task(job.pk, *args)` to the workers once the surrounding transaction commits."""

    def send():
        try:
            task.apply_async(args=[job.pk, *args], kwargs=kwargs, retry=False)
        except Exception as exc:  # broker down: say so on the job instead of failing the page
            log.exception("could not enqueue job %s", job.pk)
            Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(
                status=JobStatus.FAILED,
                finished_at=timezone.now(),
                error=_("Background work is unavailable right now (%(error)s). Try again later.")
                % {"error": type(exc).__name__},
            )

    transaction.on_commit(send)


def set_progress(
    job_id: int, done: int | None = None, total: int | None = None, message: str | None = None, add: int | None = None
) -> None:
    changes: dict = {"heartbeat_at": timezone.now()}
    if done is not None:
        changes["done"] = done
    if add is not None:
        changes["done"] = F("done") + add
    if total is not None:
        changes["total"] = total
    if message is not None:
        changes["message"] = message
    Job.objects.filter(pk=job_id).update(**changes)


def finish(job_id: int, message: str = "", result: dict | None = None) -> None:
    changes = {"status": JobStatus.SUCCEEDED, "finished_at": timezone.now(), "done": F("total")}
    if message:
        changes["message"] = message
    if result is not None:
        changes["result"] = result
    Job.objects.filter(pk=job_id).update(**changes)


def fail(job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).exclude(status=JobStatus.SUCCEEDED).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error=error
    )


def _record_failure(job_id: int, detail: str) -> None:
    """Write the failure even when the error was the database connection itself going away."""
    from django.db import InterfaceError, OperationalError, connection

    try:
        fail(job_id, detail)
    except (OperationalError, InterfaceError):
        connection.close()
        fail(job_id, detail)


@contextmanager
def running(job_id: int, *, finish_on_exit: bool = True):
    """Mark the job running, attribute its writes to its starter, and record any failure on it.

    Yields the Job. On an exception the job is marked failed with the message (the data written inside
    the task's own transactions is rolled back by them) and the exception is re-raised for Celery.
    """
    job = Job.objects.select_related("created_by").get(pk=job_id)
    Job.objects.filter(pk=job_id).exclude(status=JobStatus.SUCCEEDED).update(
        status=JobStatus.RUNNING,
        started_at=F("started_at") if job.started_at else timezone.now(),
        heartbeat_at=timezone.now(),
        error="",
    )
    try:
        with audit_context(job.created_by, reason=f"job {job.kind} #{job.pk}"):
            yield job
    except Exception as exc:
        detail = str(exc) or type(exc).__name__
        _record_failure(job_id, detail)
        log.error("job %s failed: %s\n%s", job_id, detail, traceback.format_exc())
        raise
    else:
        if finish_on_exit:
            finish(job_id)
