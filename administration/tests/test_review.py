"""Dormant accounts, the quarterly review, its export (matching the grants in the database) and sign-off."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core.choices import Role
from core.csvexport import safe_cell
from core.models import AuditEvent
from core.testing import logged_in
from mobilization.models import DeliveryMessage

from ..access import FULL_ID_PERM, Access, access_map
from ..actions import ApproveGrant, change_access
from ..tasks import deactivate_dormant_accounts
from .conftest import account

pytestmark = pytest.mark.django_db


def test_dormant_accounts_are_deactivated_and_people_told(cast, settings, django_capture_on_commit_callbacks):
    settings.ACCOUNT_DORMANT_DAYS = 90
    now = timezone.now()
    User.objects.update(last_login=now)
    User.objects.filter(username="t_township").update(last_login=now - timedelta(days=91), email="tw@example.gov.tw")
    User.objects.filter(username="t_county_b").update(last_login=None, date_joined=now - timedelta(days=120))
    User.objects.filter(username="t_staff").update(last_login=now - timedelta(days=89))
    User.objects.filter(username="t_admin").update(email="admin@example.gov.tw")
    Token.objects.create(user=cast.township)
    with django_capture_on_commit_callbacks(execute=True):
        assert deactivate_dormant_accounts.delay().get() == 2  # the scheduled task, run eagerly
    inactive = set(User.objects.filter(is_active=False).values_list("username", flat=True))
    assert inactive == {"t_township", "t_county_b"}
    assert not Token.objects.filter(user=cast.township).exists()
    events = AuditEvent.objects.filter(event="administration.review.dormant_deactivated")
    assert {e.object_id for e in events} == {cast.township.pk, cast.county_b.pk}
    assert DeliveryMessage.objects.filter(recipient="tw@example.gov.tw").exists()
    summary = DeliveryMessage.objects.get(recipient="admin@example.gov.tw")
    assert "t_township" in summary.body and "t_county_b" in summary.body
    with django_capture_on_commit_callbacks(execute=True):
        assert deactivate_dormant_accounts.delay().get() == 0  # idempotent


def test_beat_schedule_runs_the_task(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["administration-dormant-accounts"]
    assert entry["task"] == deactivate_dormant_accounts.name


def test_export_matches_the_grants_in_the_database(cast):
    _, grant = change_access(
        cast.admin, account(cast.county_a), Access.of(Role.LOCAL_GOV, ["TW-NWT"], permissions=[FULL_ID_PERM])
    )
    ApproveGrant().execute(cast.admin2, grant)
    User.objects.filter(username="t_township").update(first_name='=HYPERLINK("http://x")')
    response = logged_in(cast.auditor).get("/administration/review/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    exported = {(r["username"], r["grant_kind"], r["grant_value"]) for r in rows if r["grant_kind"]}
    users = {u.pk: u.username for u in User.objects.all()}
    in_db = {(users[uid], kind, value) for uid, access in access_map(users).items() for kind, value in access.items()}
    assert exported == in_db
    line = next(r for r in rows if r["username"] == "t_county_a" and r["grant_value"] == FULL_ID_PERM)
    assert (line["granted_by"], line["approved_by"]) == ("t_admin", "t_admin2")
    assert {r["username"] for r in rows} == set(users.values())  # every account, with or without grants
    assert next(r for r in rows if r["username"] == "t_township")["name"].startswith("'=")
    assert AuditEvent.objects.filter(event="administration.review.exported", username="t_auditor").exists()


def test_csv_cells_never_start_a_formula():
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "ok", None)] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "ok",
        None,
    ]


def test_review_page_and_sign_off(cast):
    page = logged_in(cast.auditor).get("/administration/review/")
    assert page.status_code == 200 and "t_township" in page.content.decode()
    assert logged_in(cast.county_a).get("/administration/review/").status_code == 403
    assert logged_in(cast.county_admin).get("/administration/review/export.csv").status_code == 403
    assert logged_in(cast.auditor).post("/administration/review/sign-off/").status_code == 403
    client = logged_in(cast.admin)
    assert client.post("/administration/review/sign-off/", {"note": "all checked"}).status_code == 302
    assert AuditEvent.objects.filter(event="administration.review.completed").count() == 1
    client.post("/administration/review/sign-off/", {"note": "again"})
    assert AuditEvent.objects.filter(event="administration.review.completed").count() == 1
