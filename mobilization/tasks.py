"""Celery tasks of the call-up. Each task is defined beside the work it runs (services.py for the selection,
notices/issuing.py for issuing) so that neither imports this module back; Celery finds them here by the usual
`tasks` module, and their names stay `mobilization.tasks.*`."""

from .notices.issuing import issue_notices, render_notice_batch, resume_issuing
from .services import select_candidates

__all__ = ["issue_notices", "render_notice_batch", "resume_issuing", "select_candidates"]

from .lifecycle import tasks as lifecycle_tasks  # noqa: E402, F401  (Celery finds the lifecycle tasks through here)
