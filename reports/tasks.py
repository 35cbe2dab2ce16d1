"""Celery tasks: thin, take ids, idempotent."""

from celery import shared_task

from core.jobs import running, set_progress


@shared_task(name="reports.generate_report", acks_late=True)
def generate_report(job_id: int, report_id: int) -> None:
    from .generate import generate

    with running(job_id):
        step = {"done": 0}

        def progress(message: str) -> None:
            set_progress(job_id, done=step["done"], message=message)
            step["done"] += 1

        try:
            generate(report_id, progress)
        except Exception:
            from .choices import ReportStatus
            from .models import Report

            Report.objects.filter(pk=report_id, status=ReportStatus.PENDING).update(status=ReportStatus.FAILED)
            raise


@shared_task(name="reports.schedule_monthly_reports")
def schedule_monthly_reports() -> int:
    """Called by Celery beat on the 1st of every month: the national report and one per county."""
    from .services import schedule_monthly

    return len(schedule_monthly())


@shared_task(name="reports.warm_dashboard")
def warm_dashboard() -> None:
    """Called by Celery beat every minute: keeps the nationwide dashboard figures fresh in the cache."""
    from .dashboard import warm_nation

    warm_nation()


@shared_task(name="reports.refresh_dashboard")
def refresh_dashboard(user_id: int) -> None:
    """Recompute the dashboard figures of a user's scope whose cached figures went stale."""
    from .dashboard import refresh

    refresh(user_id)
