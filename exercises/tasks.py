"""Background work: the after-action report / improvement plan PDF."""

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from core.jobs import running, set_progress, text


@shared_task(acks_late=True)
def render_after_action_report(job_id: int) -> None:
    """Render the report of the exercise named in the job's params and attach it to the job.

    Idempotent: a retry renders the same document again and replaces the attached file.
    """
    from .pdf import after_action_pdf

    with running(job_id) as job, translation.override("zh-hant"):
        exercise_id = job.params["exercise_id"]
        set_progress(job_id, message=text(gettext_noop("Rendering the report")))
        pdf = after_action_pdf(exercise_id)
        name = f"after-action-{exercise_id}-{timezone.localtime():%Y%m%d%H%M%S}.pdf"
        if job.result_file:
            job.result_file.delete(save=False)
        job.result_file.save(name, ContentFile(pdf), save=False)
        type(job).objects.filter(pk=job.pk).update(result_file=job.result_file.name)
        set_progress(job_id, done=1)
