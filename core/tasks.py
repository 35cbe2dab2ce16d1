from celery import shared_task

from . import jobs


@shared_task(acks_late=True)
def self_test(job_id: int) -> None:
    """A job that does nothing but finish: checks that a worker is reachable (used by the status page)."""
    with jobs.running(job_id):
        jobs.set_progress(job_id, done=1, total=1, message="ok")
