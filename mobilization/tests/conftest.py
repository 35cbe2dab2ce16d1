import pytest


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
