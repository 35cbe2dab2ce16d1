"""Celery tasks of the call-up. Each task is defined beside the work it runs (services/selection.py for the
selection, services/issuing.py for issuing) so that neither imports this module back; Celery finds them here,
in the usual `tasks` module, and their names stay `mobilization.tasks.*`."""

from .services.issuing import issue_notices, render_notice_batch, resume_issuing
from .services.selection import select_candidates

__all__ = ["issue_notices", "render_notice_batch", "resume_issuing", "select_candidates"]
