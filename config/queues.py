"""Which Celery queue each kind of background work runs on: declared here, and only here.

Four queues, so that a person never waits behind a machine:

- ``interactive``: work a person is waiting for on a page (a selection, a report, an after-action PDF, the worker
  self-test, a dashboard refresh) and the small sweeps that put lost jobs back on their queues;
- ``bulk``: long runs over many rows (imports, issuing the notices of an order, recalls and corrections,
  replacement of gaps, nightly account housekeeping);
- ``print``: rendering the township batches of notices to PDF (the largest runs: 300,000 pages in a general
  mobilization). Add print capacity by starting more workers on this queue, on any host;
- ``alerts``: SMS and e-mail to people (sign-in codes, decisions on their requests).

``config/settings.py`` turns ROUTES into ``CELERY_TASK_ROUTES``; ``scripts/run.sh``, ``core/testing_workers.py``
and ``docker-compose.yml`` consume ``ALL`` (a worker per queue in docker-compose). A test
(core/tests/test_queues.py) holds that every registered task is named here, so no task lands on a default queue
by accident: a new task needs a line below.
"""

INTERACTIVE = "interactive"
BULK = "bulk"
PRINT = "print"
ALERTS = "alerts"
ALL = (INTERACTIVE, BULK, PRINT, ALERTS)

TASK_QUEUES = {
    # interactive: a person is waiting on a page
    "mobilization.tasks.select_candidates": INTERACTIVE,
    "reports.generate_report": INTERACTIVE,
    "reports.refresh_dashboard": INTERACTIVE,
    "reports.warm_dashboard": INTERACTIVE,
    "exercises.tasks.render_after_action_report": INTERACTIVE,
    "core.tasks.self_test": INTERACTIVE,
    # interactive too: the sweeps are a few queries each, and must run while bulk and print queues are long
    "mobilization.resume_issuing": INTERACTIVE,
    "mobilization.resume_lifecycle": INTERACTIVE,
    "mobilization.requeue_lost_batches": INTERACTIVE,
    # bulk: many rows, minutes
    "core.importing.run_import": BULK,
    "mobilization.tasks.issue_notices": BULK,
    "mobilization.lifecycle.apply_order_change": BULK,
    "mobilization.lifecycle.replace_gaps": BULK,
    "reports.schedule_monthly_reports": BULK,
    "administration.deactivate_dormant_accounts": BULK,
    # print: PDF rendering of notice batches
    "mobilization.tasks.render_notice_batch": PRINT,
    # alerts: messages to people
    "selfservice.send_signin_code": ALERTS,
    "selfservice.send_decisions": ALERTS,
    "selfservice.purge_expired": INTERACTIVE,
}

# Celery's own tasks (chord_unlock, backend_cleanup, ...) are tiny bookkeeping: with the interactive work.
BUILTIN_PATTERN = "celery.*"

ROUTES = {name: {"queue": queue} for name, queue in TASK_QUEUES.items()} | {BUILTIN_PATTERN: {"queue": INTERACTIVE}}


def declared(task_name: str) -> bool:
    """Whether TASK_NAME has a route written above (Celery's built-ins by their pattern)."""
    return task_name in TASK_QUEUES or task_name.startswith(BUILTIN_PATTERN[:-1])
