"""Celery tasks of the call-up. Each task is defined beside the work it runs (services.py for the selection,
notices/issuing.py for issuing, lifecycle/ for replacement, recall and correction) so that neither imports this
module back; Celery finds them here by the usual `tasks` module, and their names stay `mobilization.tasks.*`."""

from .lifecycle.tasks import apply_order_change, replace_gaps, resume_lifecycle
from .notices.issuing import issue_notices, render_notice_batch, resume_issuing
from .services import select_candidates

__all__ = [
    "apply_order_change",
    "issue_notices",
    "render_notice_batch",
    "replace_gaps",
    "resume_issuing",
    "resume_lifecycle",
    "select_candidates",
]
