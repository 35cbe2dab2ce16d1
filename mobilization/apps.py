from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizationConfig(AppConfig):
    name = "mobilization"
    verbose_name = _("mobilization")
    # Navigation entries: (label, url name, permission or None).
    nav: list = [
        (_("Call-up orders"), "mobilization:order-list", "mobilization.view_calluporder"),
        (_("Annual programmes"), "mobilization:programme-list", "mobilization.view_annualprogramme"),
        (_("Call-up rules"), "mobilization:policy", "mobilization.add_rulepolicy"),
        (_("Postponements"), "mobilization:postponement-list", "mobilization.view_postponement"),
        (_("Exemptions"), "mobilization:exemption-list", "mobilization.view_exemption"),
        (_("No-show cases"), "mobilization:case-list", "mobilization.view_noshowcase"),
    ]

    def ready(self):
        from celery.signals import worker_ready
        from django.conf import settings

        from . import events  # noqa: F401  (declares the named audit events)

        # Every two minutes the scheduler looks for issuing jobs that lost their worker (see services/issuing.py).
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "mobilization-resume-issuing", {"task": "mobilization.resume_issuing", "schedule": 120.0}
        )
        # Print batches whose worker died are put back on the print queue within a lease and a sweep.
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "mobilization-requeue-lost-batches",
            {"task": "mobilization.requeue_lost_batches", "schedule": float(settings.PRINT_SWEEP_SECONDS)},
        )
        worker_ready.connect(_resume_after_start, weak=False, dispatch_uid="mobilization-resume-issuing")
        from celery.signals import worker_process_init

        worker_process_init.connect(_load_urls, weak=False, dispatch_uid="mobilization-load-urls")
        from django.db.models.signals import post_migrate

        from .services.grounds import ensure_grounds

        post_migrate.connect(ensure_grounds, sender=self, dispatch_uid="mobilization-exemption-grounds")
        # A registry change that makes a person ineligible before report day (an Art. 29 grant, a move out of the
        # target, leaving the registry) releases and replaces their notices in the same transaction.
        from reservists.signals import eligibility_changed

        from .services.eligibility import on_eligibility_changed

        eligibility_changed.connect(on_eligibility_changed, weak=False, dispatch_uid="mobilization-release-ineligible")
        # Recalls, corrections and replacements resume the same way (see tasks.py resume_lifecycle).
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "mobilization-resume-lifecycle", {"task": "mobilization.resume_lifecycle", "schedule": 120.0}
        )


def _resume_after_start(sender=None, **kwargs):
    """A worker that (re)starts asks for interrupted issuing jobs at once; a pool process does the work."""
    from .tasks import resume_issuing, resume_lifecycle

    resume_issuing.apply_async(kwargs={"worker_started": True}, retry=False)
    resume_lifecycle.apply_async(kwargs={"worker_started": True}, retry=False)


def _load_urls(sender=None, **kwargs):
    """Each pool process loads the URL configuration when it starts (the verification link in every alert needs
    it), not in the first job it runs: that took seconds of a replacement's or a recall's time."""
    from .services.notice_pdf import verify_link

    verify_link()  # imports every urls module and builds the resolver's reverse tables
