"""Background-job records: create one, hand it to Celery after commit, report progress, end it.

Tasks take the job id, are idempotent, and update the row with guarded updates so a page can poll it.
If the broker is unreachable, the job fails at once with a message saying background work is unavailable.
"""

from __future__ import annotations

import json
import logging
import traceback
from contextlib import contextmanager

from django.db import transaction
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .audit import audit_context
from .choices import JobStatus
from .models import Job

log = logging.getLogger(__name__)


class Text(str):
    """A job's message or error that is read in the reader's language: the worker writes it in its own language,
    and its msgid and parameters travel with it (in the job's result), so `Job.display_message` reads it in the
    language of whoever looks. Make one with `text()`."""

    msgid: str = ""
    params: dict | None = None


def text(msgid: str, **params) -> Text:
    """`text(gettext_noop("%(n)d rows imported."), n=12)`: the message now, and the means to translate it later."""
    value = Text(_(msgid) % params if params else _(msgid))
    value.msgid, value.params = msgid, params
    return value


def _i18n(key: str, message) -> dict:
    """The translatable form of a message for the job's result (None when it is plain text: nothing stale stays)."""
    if isinstance(message, Text) and message.msgid:
        return {key: {"msgid": message.msgid, "params": message.params or {}}}
    return {key: None}


def _merged(extra: dict):
    """The job's result with `extra`'s keys set (one UPDATE, whatever else the result holds)."""
    return RawSQL("COALESCE(result, '{}'::jsonb) || %s::jsonb", [json.dumps(extra, ensure_ascii=False)])


def create_job(kind: str, user=None, params: dict | None = None, total: int = 0, message: str = "") -> Job:
    return Job.objects.create(
        kind=kind,
        created_by=user if user is not None and user.is_authenticated else None,
        created_by_name=user.get_username() if user is not None and user.is_authenticated else "",
        params=params or {},
        total=total,
        message=message,
        result=_i18n("message_i18n", message) if isinstance(message, Text) else {},
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
        changes["result"] = _merged(_i18n("message_i18n", message))
    Job.objects.filter(pk=job_id).update(**changes)


def finish(job_id: int, message: str = "", result: dict | None = None) -> None:
    changes = {"status": JobStatus.SUCCEEDED, "finished_at": timezone.now(), "done": F("total")}
    if message:
        changes["message"] = message
    if result is not None:
        changes["result"] = {**result, **(_i18n("message_i18n", message) if message else {})}
    elif message:
        changes["result"] = _merged(_i18n("message_i18n", message))
    Job.objects.filter(pk=job_id).update(**changes)


def fail(job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).exclude(status=JobStatus.SUCCEEDED).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), error=error, result=_merged(_i18n("error_i18n", error))
    )


def connection_lost(exc: BaseException) -> bool:
    """Whether `exc` is the database connection dying (server restart, killed backend, network cut), as
    opposed to the database refusing one statement (a lock or statement timeout) on a working connection.

    Told by the SQLSTATE: none at all (the client lost the socket), class 08 (connection exception) or
    57P01-57P03 (the server shutting the session down). Django has already reconnected by the time the caller
    sees the error (`atomic` drops a connection whose rollback fails), so the connection can't be asked."""
    from django.db import InterfaceError, OperationalError, connection

    driver = connection.Database
    if isinstance(exc, (InterfaceError, driver.InterfaceError)):
        return True
    if isinstance(exc, (OperationalError, driver.OperationalError)):
        cause = exc if isinstance(exc, driver.Error) else exc.__cause__
        code = getattr(cause, "pgcode", None) or ""
        return code == "" or code.startswith("08") or code in {"57P01", "57P02", "57P03"}
    return False


def failure_message(exc: BaseException) -> str:
    """What the job's page says: a translated sentence for a lost connection, else the exception's message."""
    if connection_lost(exc):
        return _(
            "The database connection was lost while the job was running. Its unfinished work was rolled back, "
            "so nothing was half-saved; start it again."
        )
    return str(exc) or type(exc).__name__


def _record_failure(job_id: int, detail: str) -> None:
    """Write the failure even when the error was the database connection itself going away: then the dead
    connection is dropped and the write goes through a new one."""
    from django.db import InterfaceError, OperationalError, connection

    try:
        fail(job_id, detail)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise  # a caller's transaction is open on the dead connection; it must unwind first
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
        with translation.override(job.params.get("language") or translation.get_language()):
            detail = failure_message(exc)
        _record_failure(job_id, detail)
        log.error("job %s failed: %s\n%s", job_id, detail, traceback.format_exc())
        raise
    else:
        if finish_on_exit:
            finish(job_id)


# ----- what a job is, in words ----------------------------------------------------------------------------


class JobKind:
    """What a kind of job is called, and what it worked on (a name and the page to go back to).

    Apps declare theirs in a `jobkinds.py` with `KINDS = {"app.kind": JobKind(label, subject)}`; `subject(job,
    user)` returns (name, url) or None, and must not show what the user may not see (it reads through
    `for_user`). The job page and the job API say "Selection of candidates · 114年教育召集" with a link back
    instead of `mobilization.selection`."""

    def __init__(self, label, subject=None):
        self.label = label
        self.subject = subject


def job_kinds() -> dict:
    from functools import reduce
    from importlib import import_module

    from django.apps import apps

    global _KINDS
    if _KINDS is None:
        found = []
        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.jobkinds")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.jobkinds":
                    raise
                continue
            found.append(getattr(module, "KINDS", {}))
        _KINDS = reduce(lambda a, b: {**a, **b}, found, {})
    return _KINDS


_KINDS = None


def describe(job: Job, user=None, *, subject: bool = True) -> dict:
    """{"label": the kind in words, "subject": what it worked on, "url": the page it started from}."""
    kind = job_kinds().get(job.kind)
    label = str(kind.label) if kind is not None else _("Background job")
    wanted, subject = subject, None
    if wanted and kind is not None and kind.subject is not None:
        try:
            subject = kind.subject(job, user)
        except Exception:  # a vanished record: the job page still shows the job
            log.exception("job %s: no subject", job.pk)
            subject = None
    name, url = subject if subject else ("", "")
    return {"label": label, "subject": str(name or ""), "url": url or ""}
