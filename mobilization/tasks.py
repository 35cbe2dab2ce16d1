"""Celery tasks of the call-up: thin, they take ids and call services."""

from celery import shared_task

from core import jobs


@shared_task(acks_late=True)
def select_candidates(job_id: int, order_id: int) -> None:
    """Evaluate the order's target population and store its candidates (idempotent: it replaces them)."""
    from . import services

    try:
        with jobs.running(job_id):
            count = services.run_selection(order_id, job_id)
            jobs.set_progress(job_id, done=2, total=2, message=str(count))
    except Exception as exc:
        services.selection_failed(order_id, str(exc) or type(exc).__name__)
        if not _eager():
            raise


def _eager() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))
