"""Celery tasks of the end of the call-up: thin, they take ids, and every one is idempotent and resumable."""

from celery import shared_task


@shared_task(acks_late=True, reject_on_worker_lost=True)
def replace_gaps(job_id: int, order_id: int) -> None:
    """Fill the order's pending gaps with the next candidates in rank order (遞補)."""
    from . import replacement

    replacement.run_job(job_id, order_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def apply_order_change(job_id: int, change_id: int) -> None:
    """Withdraw or correct the notices of an approved recall or correction, alerting each person."""
    from . import changes

    changes.run(job_id, change_id)


@shared_task(name="mobilization.resume_lifecycle")
def resume_lifecycle(worker_started: bool = False) -> dict:
    """Jobs that lost their worker (kill -9, a whole host gone) are started again; each skips what is done."""
    from . import changes, replacement

    return {
        "changes": changes.resume_interrupted(worker_started=worker_started),
        "replacements": replacement.resume_interrupted(worker_started=worker_started),
    }
