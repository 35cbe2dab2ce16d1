from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfserviceConfig(AppConfig):
    name = "selfservice"
    verbose_name = _("reservist self-service")
    # Staff navigation: what reservists changed or asked for in self-service, for the township office.
    nav: list = [
        (_("Self-service changes"), "selfservice:changes", "selfservice.view_contactchange"),
    ]

    def ready(self):
        from celery.schedules import crontab
        from django.conf import settings

        from . import events  # noqa: F401  (declares the named audit events)

        # Decisions on self-service requests are sent to the person within a minute (see decisions.py).
        settings.CELERY_BEAT_SCHEDULE.setdefault(
            "selfservice-send-decisions", {"task": "selfservice.send_decisions", "schedule": crontab(minute="*")}
        )
