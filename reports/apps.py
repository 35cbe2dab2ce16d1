from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Celery beat: the monthly national and county reports, on the 1st at 06:00 Taipei time.
BEAT_SCHEDULE = {
    "reports-monthly-readiness": {
        "task": "reports.schedule_monthly_reports",
        "schedule": {"minute": "0", "hour": "6", "day_of_month": "1"},
    },
    # The nationwide dashboard figures (a pass over the registry), recomputed before their cache expires.
    "reports-warm-dashboard": {"task": "reports.warm_dashboard", "schedule": {"minute": "*"}},
}


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("reports")
    nav = [
        (_("Readiness"), "reports:dashboard", "reports.view_report"),
        (_("Reports"), "reports:list", "reports.view_report"),
    ]

    def ready(self):
        from celery.schedules import crontab
        from django.conf import settings

        # settings.CELERY_BEAT_SCHEDULE is the very dict Celery's conf reads (config_from_object is lazy),
        # so adding to it here puts the entry in the beat schedule without editing config/.
        for name, entry in BEAT_SCHEDULE.items():
            settings.CELERY_BEAT_SCHEDULE.setdefault(
                name, {"task": entry["task"], "schedule": crontab(**entry["schedule"])}
            )
