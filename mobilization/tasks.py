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


@shared_task(acks_late=True, reject_on_worker_lost=True)
def issue_notices(job_id: int, order_id: int) -> None:
    """Write the order's notices chunk by chunk and send out its township batches (idempotent, resumable)."""
    from .notices import issuing

    try:
        issuing.run(job_id, order_id)
    except Exception as exc:
        issuing.failed(job_id, order_id, str(exc) or type(exc).__name__)
        if not _eager():
            raise


@shared_task(acks_late=True, reject_on_worker_lost=True)
def render_notice_batch(job_id: int, batch_id: int) -> None:
    """Render one township part of an order's notices to PDF and hand it to the delivery channels."""
    from .notices import issuing

    try:
        issuing.render_batch(job_id, batch_id)
    except Exception as exc:
        issuing.batch_failed(job_id, batch_id, str(exc) or type(exc).__name__)
        if not _eager():
            raise


@shared_task(name="mobilization.resume_issuing")
def resume_issuing(worker_started: bool = False) -> list[int]:
    from .notices import issuing

    return issuing.resume_interrupted(worker_started=worker_started)


def _eager() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


from .lifecycle import tasks as lifecycle_tasks  # noqa: E402, F401  (Celery finds the lifecycle tasks through here)
