"""Celery tasks of the end of the call-up. Each task is defined beside the work it runs (replacement.py,
changes.py) so that neither imports this module back; the sweep that resumes jobs after a lost worker is here."""

from celery import shared_task

from .changes import apply_order_change
from .changes import resume_interrupted as resume_changes
from .replacement import replace_gaps
from .replacement import resume_interrupted as resume_replacements

__all__ = ["apply_order_change", "replace_gaps", "resume_lifecycle"]


@shared_task(name="mobilization.resume_lifecycle")
def resume_lifecycle(worker_started: bool = False) -> dict:
    """Jobs that lost their worker (kill -9, a whole host gone) are started again; each skips what is done."""
    return {
        "changes": resume_changes(worker_started=worker_started),
        "replacements": resume_replacements(worker_started=worker_started),
    }
