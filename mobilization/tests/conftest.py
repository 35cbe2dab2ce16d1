import pytest


@pytest.fixture(autouse=True)
def _orders_dated_2024(orders_dated_2024, report_day_reached):
    """The app's test world drafts orders for 2024 and records report day of its 2027 notices (see the root
    conftest); test_order_law.py and test_worklists.py check the real today and the days before report day."""


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run on-commit callbacks (the eager Celery selection) inside the test transaction."""

    def runner(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return runner


@pytest.fixture
def issuable(users):
    """An approved nationwide Educational order over a small registry, ready to issue (see notice_world)."""
    from .notice_world import approved_order

    return approved_order(users)


@pytest.fixture
def issue(run_on_commit):
    """Issue an order's notices through the API, the eager worker running on commit."""
    from core.testing import api_client

    def go(user, order):
        return run_on_commit(
            lambda: api_client(user).post(f"/api/mobilization/orders/{order.pk}/issue/", {}, format="json")
        )

    return go


@pytest.fixture
def real_broker():
    """Send tasks to Redis for real (the suite runs Celery eagerly), on an empty queue."""
    import redis
    from django.conf import settings as django_settings

    from config.celery import app as celery_app

    redis.Redis.from_url(django_settings.REDIS_URL).flushdb()
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager
    redis.Redis.from_url(django_settings.REDIS_URL).flushdb()
