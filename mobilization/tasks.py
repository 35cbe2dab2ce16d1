"""Celery tasks of the call-up. Each task is defined beside the work it runs (services/selection.py for the
selection, services/issuing.py for issuing, services/replacement.py and services/changes.py for replacement,
recall and correction) so that neither imports this module back; Celery finds them here, in the usual `tasks`
module. The sweep that resumes the end-of-call-up jobs after a lost worker is defined here."""

from celery import shared_task

from .services.changes import apply_order_change
from .services.changes import resume_interrupted as resume_changes
from .services.issuing import issue_notices, render_notice_batch, requeue_lost_batches_task, resume_issuing
from .services.replacement import replace_gaps
from .services.replacement import resume_interrupted as resume_replacements
from .services.selection import select_candidates

__all__ = [
    "apply_order_change",
    "issue_notices",
    "render_notice_batch",
    "replace_gaps",
    "requeue_lost_batches_task",
    "resume_issuing",
    "resume_lifecycle",
    "select_candidates",
]


@shared_task(name="mobilization.resume_lifecycle")
def resume_lifecycle(worker_started: bool = False) -> dict:
    """Jobs that lost their worker (kill -9, a whole host gone) are started again; each skips what is done."""
    return {
        "changes": resume_changes(worker_started=worker_started),
        "replacements": resume_replacements(worker_started=worker_started),
    }
