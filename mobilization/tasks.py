"""Celery tasks of the call-up. Each task is defined beside the work it runs (services/selection.py for the
selection, services/issuing.py for issuing, lifecycle/ for replacement, recall and correction) so that neither
imports this module back; Celery finds them here, in the usual `tasks` module."""

from .lifecycle.tasks import apply_order_change, replace_gaps, resume_lifecycle
from .services.issuing import issue_notices, render_notice_batch, requeue_lost_batches_task, resume_issuing
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
