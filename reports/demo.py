"""Demo: one national readiness report, so the reports page and the verification page have something to show.

Idempotent: skipped when a national report exists. Generated inline (not through the broker), as the admin.
"""

from django.contrib.auth import get_user_model
from django.utils import timezone


def seed(command, opts):
    from .generate import generate
    from .models import Report
    from .services import request_report

    if Report.objects.filter(scope_key="nation").exists():
        return
    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:  # --no-users
        return
    report = request_report(user=admin, scope="nation", as_of=timezone.localdate())
    report = generate(report.pk)
    if command is not None:
        command.stdout.write(f"reports: national report #{report.pk} ({report.pages} pages)")
