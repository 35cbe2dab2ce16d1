"""Issue 16, the authentication findings, each as the attack that was reproduced; each fails if the hole returns.

1. A forged `Authorization: Token …` header skipped 2FA on every page.
2. A password-only session enrolled a new authenticator and deleted the owner's, with no audit event.
3. `mnd_admin` made itself superuser through /admin/, and the audit log never saw it; TRUNCATE emptied the log.
8. API tokens never expired and survived logout, role changes and a missing second factor.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.shortcuts import assign_perm
from rest_framework.authtoken.models import Token

from core.accounts import provision_user
from core.audit import audit_context
from core.choices import Role
from core.models import ApiTokenState, AuditEvent, Region
from core.testing import COUNTY_B, PASSWORD, api_client
from core.tokens import issue_token
from core.twofactor import new_recovery_codes
from mobilization import services
from mobilization.models import CallUpOrder
from mobilization.tests.test_pages import selected_order

from .conftest import code_for, confirmed_device, password_login, verified_login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("require_2fa")]


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def runner(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return runner


def token_works(key: str, path: str = "/api/regions/") -> bool:
    from django.test import Client

    return Client(HTTP_AUTHORIZATION=f"Token {key}").get(path).status_code == 200


# ----- finding 1: a header is not a second factor -----------------------------------------------------


@pytest.mark.parametrize("header", ["Token x", "Token 0123456789abcdef0123456789abcdef01234567", "Bearer x"])
def test_forged_authorization_header_opens_no_page(users, header):
    client = password_login("t_admin")
    for path in ("/", "/audit/", "/admin/", "/reservists/export.csv", "/reservists/"):
        response = client.get(path, HTTP_AUTHORIZATION=header)
        assert response.status_code == 302 and response["Location"].startswith("/2fa/"), path


def test_forged_header_does_not_approve_an_order(users, run_on_commit):
    order = selected_order(users, run_on_commit)
    services.submit(user=users.staff, order=order, comment="ready")
    confirmed_device(users.approver)
    approve = reverse("mobilization:order-action", args=[order.pk, "approve"])
    attacker = password_login("t_approver")
    for header in ("Token x", "Bearer x"):
        response = attacker.post(approve, {"comment": "ok"}, HTTP_AUTHORIZATION=header)
        assert response.status_code == 302 and response["Location"].startswith("/2fa/")
    api = reverse("order-approve", args=[order.pk])
    assert attacker.post(api, {"comment": "ok"}, HTTP_AUTHORIZATION="Bearer x").status_code == 403
    assert attacker.post(api, {"comment": "ok"}, HTTP_AUTHORIZATION="Token x").status_code == 401
    order.refresh_from_db()
    assert order.status == "submitted" and order.decided_by is None
    # The control: the owner, with their second factor, approves the same order from the same page.
    owner = verified_login(users.approver)
    owner.post(approve, {"comment": "ok"})
    order.refresh_from_db()
    assert order.status == "approved" and order.decided_by == users.approver


def test_session_api_stays_refused_whatever_header(users):
    client = password_login("t_approver")
    for extra in ({}, {"HTTP_AUTHORIZATION": "Bearer x"}, {"HTTP_X_FORWARDED_FOR": "127.0.0.1"}):
        assert client.get("/api/reservists/", **extra).status_code == 403


def test_a_token_counts_only_if_issued_after_a_second_factor(users):
    without = issue_token(users.approver, two_factor=False)
    assert not token_works(without.key)
    legacy = Token.objects.create(user=users.auditor)  # a token from before tokens carried their 2FA state
    assert not token_works(legacy.key)
    with_factor = issue_token(users.staff, two_factor=True)
    assert ApiTokenState.objects.get(token=with_factor).two_factor
    assert token_works(with_factor.key)
    county = issue_token(users.county_a, two_factor=False)  # no second factor needed for local government
    assert token_works(county.key)


def test_token_endpoint_records_the_second_factor(users):
    device = confirmed_device(users.staff)
    response = api_client().post(
        "/api/auth/token/", {"username": "t_staff", "password": PASSWORD, "otp_token": code_for(device)}, format="json"
    )
    assert response.status_code == 200 and response.json()["expires_at"]
    key = response.json()["token"]
    assert ApiTokenState.objects.get(token_id=key).two_factor and token_works(key)


# ----- finding 2: enrolling a device needs the existing factor ------------------------------------------


def test_password_only_session_cannot_enrol_or_delete_the_owners_device(users):
    owner_device = confirmed_device(users.approver)
    attacker = password_login("t_approver")
    response = attacker.get("/2fa/setup/")
    assert response.status_code == 302 and response["Location"].startswith("/2fa/verify/")
    response = attacker.post("/2fa/setup/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"].startswith("/2fa/verify/")
    assert list(TOTPDevice.objects.filter(user=users.approver)) == [owner_device]  # none new, none deleted
    assert attacker.get("/").status_code == 302
    # The owner's authenticator still gets a token.
    response = api_client().post(
        "/api/auth/token/",
        {"username": "t_approver", "password": PASSWORD, "otp_token": code_for(owner_device)},
        format="json",
    )
    assert response.status_code == 200


def test_enrolling_after_a_recovery_code_is_audited_and_the_owner_is_told(users, django_capture_on_commit_callbacks):
    users.approver.email = "approver@example.test"
    users.approver.save()
    old = confirmed_device(users.approver)
    codes = new_recovery_codes(users.approver)
    client = password_login("t_approver")
    assert client.post("/2fa/verify/", {"code": codes[0], "next": "/2fa/setup/"}).status_code == 302
    assert client.get("/2fa/setup/").status_code == 200
    new = TOTPDevice.objects.get(user=users.approver, confirmed=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/2fa/setup/", {"code": code_for(new)}).status_code == 200
    assert list(TOTPDevice.objects.filter(user=users.approver)) == [new] and not TOTPDevice.objects.filter(pk=old.pk)
    events = AuditEvent.objects.filter(action="event", username="t_approver")
    names = set(events.values_list("message", flat=True))
    assert {"core.2fa.device_enrolled", "core.2fa.device_deleted", "core.2fa.recovery_codes_regenerated"} <= names
    enrolled = events.get(message="core.2fa.device_enrolled")
    assert enrolled.table_name == "otp_totp_totpdevice" and enrolled.object_id == new.pk
    assert events.get(message="core.2fa.device_deleted").object_id == old.pk
    told = [m for m in mail.outbox if m.to == ["approver@example.test"]]
    assert len(told) == 3, [m.body for m in mail.outbox]


# ----- finding 3: no way to superuser below superuser; account tables audited ------------------------------


def test_mnd_admin_cannot_reach_the_admin_or_make_itself_superuser(users, superuser):
    admin = verified_login(users.admin)  # even with the second factor: the admin is not for mnd_admin
    assert admin.get("/admin/").status_code == 404
    change = f"/admin/auth/user/{users.admin.pk}/change/"
    response = admin.post(change, {"username": "t_admin", "is_superuser": "on", "is_staff": "on", "is_active": "on"})
    assert response.status_code == 404
    users.admin.refresh_from_db()
    assert not users.admin.is_superuser
    for path in ("/admin/auth/group/", "/admin/guardian/", "/admin/login/", "/admin/core/region/1/permissions/"):
        assert admin.get(path).status_code == 404, path
    assert verified_login(superuser).get("/admin/").status_code == 200
    response = api_client().get("/admin/login/")  # no second login form: the portal's own (lockout, 2FA)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_privilege_and_device_changes_are_audited_without_secrets(users, superuser):
    target = users.county_a
    with audit_context(superuser, request_id="grant-1"):
        target.is_superuser = True
        target.save()
        target.set_password("another-Password-9876")
        target.save()
        target.groups.add(users.staff.groups.first())
        assign_perm("core.access_region", target, Region.objects.get(code=COUNTY_B))
        device = TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
        new_recovery_codes(target, actor=superuser)
    events = AuditEvent.objects.filter(request_id="grant-1")
    assert set(events.values_list("username", flat=True)) == {"t_root"}
    by_table = {}
    for event in events:
        by_table.setdefault(event.table_name, []).append(event)
    superuser_event = [e for e in by_table["auth_user"] if ("is_superuser", False, True) in e.changes]
    assert superuser_event and superuser_event[0].object_id == target.pk
    assert any(e.message == "secret changed" for e in by_table["auth_user"])  # the password change, hash left out
    for table in ("auth_user_groups", "guardian_userobjectpermission", "otp_totp_totpdevice"):
        assert by_table.get(table), table
    assert by_table["otp_static_statictoken"]
    for event in events:
        for data in (event.before or {}, event.after or {}):
            assert "password" not in data and "key" not in data and "token" not in data, event.table_name
    assert device.key not in str([(e.before, e.after) for e in events])


def test_the_audit_table_refuses_truncate(users):
    with audit_context(users.admin):
        provision_user("t_new", Role.LOCAL_GOV, regions=["TW-NWT"], password=PASSWORD, check_password=False)
    assert AuditEvent.objects.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE core_auditevent CASCADE")
    assert AuditEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_database_and_puts_the_guard_back():
    """Transactional tests and `manage.py flush` empty every table with TRUNCATE: core's flush lifts the guard
    for that and puts it back (this test's own teardown flushes again)."""
    AuditEvent.objects.create(table_name="core_region", action="event", message="before the flush")
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
    assert not AuditEvent.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'audit_no_truncate'")
        assert cursor.fetchone()[0] == 1


# ----- finding 8: tokens expire and are revoked -------------------------------------------------------------


def test_tokens_expire(users, settings):
    staff = issue_token(users.staff, two_factor=True)
    county = issue_token(users.county_a, two_factor=False)
    assert staff.state.expires_at - staff.created == timedelta(hours=8)
    assert county.state.expires_at - county.created == timedelta(days=30)
    ApiTokenState.objects.filter(token=staff).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert not token_works(staff.key) and token_works(county.key)
    old = Token.objects.create(user=users.county_b)  # a token without a state row, 400 days old
    Token.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=400))
    assert not token_works(old.key)
    settings.PORTAL_API_TOKEN_DAYS = 1
    assert issue_token(users.county_b, two_factor=False).state.expires_at - timezone.now() < timedelta(days=1)


def test_logout_revokes_the_accounts_tokens(users):
    key = issue_token(users.county_a, two_factor=False).key
    client = password_login("t_county_a")
    client.post("/logout/")
    assert not token_works(key) and not Token.objects.filter(key=key).exists()


def test_api_logout_revokes_the_token(users):
    key = issue_token(users.county_a, two_factor=False).key
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.delete("/api/auth/token/").status_code == 204
    assert not token_works(key)
    assert api_client().delete("/api/auth/token/").status_code == 401


@pytest.mark.parametrize(
    "change",
    ["password", "deactivate", "role", "region grant", "group permission", "group object grant", "superuser"],
)
def test_account_changes_revoke_tokens(users, change):
    user = users.county_a
    key = issue_token(user, two_factor=False).key
    other = issue_token(users.township, two_factor=False).key
    group = user.groups.first()
    if change == "password":
        user.set_password("another-Password-9876")
        user.save()
    elif change == "deactivate":
        type(user).objects.filter(pk=user.pk).update(is_active=False)  # bulk update too, not only save()
    elif change == "role":
        provision_user("t_county_a", Role.MND_STAFF, organisation="t-mnd", password=None)
    elif change == "region grant":
        assign_perm("core.access_region", user, Region.objects.get(code=COUNTY_B))
    elif change == "group permission":
        from django.contrib.auth.models import Permission

        group.permissions.add(Permission.objects.get(codename="view_auditevent"))
    elif change == "group object grant":
        assign_perm("core.access_region", group, Region.objects.get(code=COUNTY_B))
    elif change == "superuser":
        user.is_superuser = True
        user.save()
    assert not Token.objects.filter(key=key).exists() and not token_works(key)
    assert token_works(other), "another account's token is untouched"


def test_a_token_issued_to_local_government_does_not_survive_becoming_mnd_staff(users):
    """The reproduced case: local_gov token, account made mnd_staff, token used without any second factor."""
    key = issue_token(users.county_a, two_factor=False).key
    provision_user("t_county_a", Role.MND_STAFF, organisation="t-mnd", password=None)
    assert not token_works(key, "/api/reservists/")
    # Even a token that escaped revocation would be refused: it was issued without a second factor.
    Token.objects.create(key="f" * 40, user=users.county_a)
    ApiTokenState.objects.create(token_id="f" * 40, expires_at=timezone.now() + timedelta(days=1), two_factor=False)
    assert not token_works("f" * 40, "/api/reservists/")


def test_a_token_without_state_lives_by_its_creation_time(users):
    """A token row without its state row is not trusted beyond its creation time's lifetime."""
    token = Token.objects.create(user=users.county_a)
    assert token_works(token.key)
    Token.objects.filter(pk=token.pk).update(created=timezone.now() - timedelta(days=31))
    assert not token_works(token.key)


def test_static_token_rows_hold_no_code_in_the_log(users):
    codes = new_recovery_codes(users.auditor)
    logged = AuditEvent.objects.filter(table_name="otp_static_statictoken")
    assert logged.count() >= len(codes)
    assert not any(code in str(e.after) for e in logged for code in codes)
    assert StaticToken.objects.filter(device__user=users.auditor).count() == len(codes)


def test_order_approval_api_with_real_token_without_2fa_changes_nothing(users, run_on_commit):
    order = selected_order(users, run_on_commit)
    services.submit(user=users.staff, order=order, comment="ready")
    key = issue_token(users.approver, two_factor=False).key
    client = api_client()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post(reverse("order-approve", args=[order.pk]), {"comment": "ok"}, format="json").status_code == 401
    order.refresh_from_db()
    assert order.status == "submitted"
    assert CallUpOrder.objects.filter(status="approved").count() == 0
