from celery import shared_task


@shared_task(name="selfservice.send_signin_code", ignore_result=True)
def send_signin_code(challenge_id: int, code: str) -> None:
    """Send a one-time code (idempotence is not needed: a lost code is simply asked for again)."""
    from .signin import send_code

    send_code(challenge_id, code)


@shared_task(name="selfservice.send_decisions", ignore_result=True)
def send_decisions() -> int:
    """Every minute: decisions on self-service requests go to the person (idempotent)."""
    from .decisions import send_decisions as run

    return run()


@shared_task(name="selfservice.purge_expired", ignore_result=True)
def purge_expired() -> dict:
    """Every 15 minutes: expired one-time codes and idle sessions are deleted (selfservice/cleanup.py)."""
    from .cleanup import purge_expired as run

    return run()
