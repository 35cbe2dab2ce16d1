"""Scheduled work of account administration (config/settings.py CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task(name="administration.deactivate_dormant_accounts")
def deactivate_dormant_accounts() -> int:
    """Nightly: deactivate accounts unused for ACCOUNT_DORMANT_DAYS and tell the people and the administrators."""
    return len(services.deactivate_dormant())
