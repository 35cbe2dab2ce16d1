"""Account steps as MND administrators take them: create, change, deactivate, unlock, reset 2FA, password links."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from core.actions import ActionRefused
from core.choices import Role
from core.models import AuditEvent
from core.scope import get_scope
from core.testing import PASSWORD, logged_in
from mobilization.models import DeliveryMessage

from .. import services
from ..access import Access, read_access
from ..actions import (
    ChangeAccess,
    CreateAccount,
    DeactivateAccount,
    ReactivateAccount,
    ResetTwoFactor,
    StartPasswordReset,
    UnlockAccount,
    change_access,
)
from ..models import AccessGrant, AccountRecord, PasswordLink, PendingGrant
from .conftest import account, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def create(django_capture_on_commit_callbacks):
    """CreateAccount as pages call it, with its after-commit work (the e-mail) run."""

    def make(actor, username="clerk1", role=Role.TOWNSHIP_OFFICE, regions=("220",), **kw):
        with django_capture_on_commit_callbacks(execute=True):
            return _create(actor, username, role, regions, **kw)

    return make


def _create(actor, username, role, regions, **kw):
    return CreateAccount().execute(
        actor,
        username=username,
        access=Access.of(role, regions, kw.pop("organisation", ""), kw.pop("permissions", ())),
        full_name=kw.pop("full_name", "林書記"),
        email=kw.pop("email", f"{username}@example.gov.tw"),
        phone=kw.pop("phone", "02-29603456"),
        **kw,
    )


def link_token(username) -> str:
    body = DeliveryMessage.objects.filter(recipient=f"{username}@example.gov.tw").order_by("-id").first().body
    return body.split("/administration/password/")[1].split("/")[0]


def test_create_gives_role_scope_record_event_and_a_single_use_link(cast, create):
    new, pending = create(cast.admin)
    assert pending is None
    user = fresh(new)
    assert read_access(user) == Access.of(Role.TOWNSHIP_OFFICE, ["220"])
    assert get_scope(user).region_ids  # the scope the portal enforces
    assert not user.has_usable_password()
    assert AccountRecord.objects.get(user=user).phone == "02-29603456"
    grants = {(g.kind, g.value, g.granted_by_name) for g in AccessGrant.objects.filter(user=user)}
    assert grants == {("role", "township_office", "t_admin"), ("region", "220", "t_admin")}
    event = AuditEvent.objects.get(event="administration.account.created", object_id=user.pk)
    assert event.username == "t_admin" and event.after["regions"] == ["220"]

    token = link_token("clerk1")
    client = Client()
    page = client.get(f"/administration/password/{token}/")
    assert page.status_code == 200
    response = client.post(
        f"/administration/password/{token}/", {"new_password1": "a-Long-passw0rd!", "new_password2": "a-Long-passw0rd!"}
    )
    assert response.status_code == 302
    assert fresh(user).check_password("a-Long-passw0rd!")
    # single use
    assert client.get(f"/administration/password/{token}/").status_code == 410
    with pytest.raises(ValidationError):
        services.use_link(token, "another-Long-passw0rd!")


def test_password_link_expires_after_its_minutes(cast, settings, create):
    create(cast.admin)
    token = link_token("clerk1")
    PasswordLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert Client().get(f"/administration/password/{token}/").status_code == 410
    link = PasswordLink.objects.get()
    assert link.expires_at - link.created_at <= timedelta(minutes=settings.ACCOUNT_LINK_MINUTES, seconds=1)


def test_password_reset_revokes_tokens_and_supersedes_earlier_links(cast, django_capture_on_commit_callbacks):
    target = account(cast.township)
    target.email = "t_township@example.gov.tw"
    target.save()
    Token.objects.create(user=target)
    with django_capture_on_commit_callbacks(execute=True):
        StartPasswordReset().execute(cast.admin, target)
    first = link_token("t_township")
    with django_capture_on_commit_callbacks(execute=True):
        StartPasswordReset().execute(cast.admin, target)
    second = link_token("t_township")
    assert not Token.objects.filter(user=target).exists()
    assert services.valid_link(first) is None and services.valid_link(second) is not None
    assert AuditEvent.objects.filter(event="administration.account.password_reset", object_id=target.pk).count() == 2


def test_password_reset_needs_an_email(cast):
    target = account(cast.township)
    check = StartPasswordReset().check(cast.admin, target)
    assert check.status == 409 and check.refusals[0].code == "no_email"


def test_powerful_create_waits_for_a_second_admin(cast, create):
    new, pending = create(cast.admin, "staff9", Role.MND_STAFF, ())
    assert pending is not None and pending.reasons == ["mnd_role", "nationwide"]
    assert read_access(new).role == ""  # nothing in effect yet
    assert not fresh(new).has_perm("reservists.view_reservist")
    assert AuditEvent.objects.filter(event="administration.grant.requested", object_id=new.pk).exists()


def test_change_access_applies_and_revokes_tokens(cast):
    target = account(cast.township)
    Token.objects.create(user=target)
    outcome, _ = change_access(cast.admin, target, Access.of(Role.TOWNSHIP_OFFICE, ["221"]), note="moved")
    assert outcome == "applied"
    assert read_access(target).regions == ("221",)
    assert not Token.objects.filter(user=target).exists()
    event = AuditEvent.objects.get(event="administration.account.role_changed", object_id=target.pk)
    assert event.before["regions"] == ["220"] and event.after["regions"] == ["221"] and event.message == "moved"


def test_change_to_powerful_becomes_a_request(cast):
    target = account(cast.county_a)
    outcome, grant = change_access(
        cast.admin, target, Access.of(Role.LOCAL_GOV, ["TW-NWT"], permissions=["core.view_full_national_id"])
    )
    assert outcome == "pending" and grant.reasons == ["full_national_id"]
    assert not fresh(target).has_perm("core.view_full_national_id")
    # ChangeAccess itself refuses a powerful change: it cannot be used to skip the second administrator.
    check = ChangeAccess().check(cast.admin, target, access=Access.of(Role.AUDITOR))
    assert check.status == 409 and check.refusals[-1].code in ("four_eyes", "pending")


def test_invalid_access_is_400_and_changes_nothing(cast):
    target = account(cast.township)
    with pytest.raises(ActionRefused) as refused:
        ChangeAccess().execute(cast.admin, target, access=Access.of(Role.TOWNSHIP_OFFICE, ["TW-NWT"]))
    assert refused.value.status_code == 400
    assert read_access(target).regions == ("220",)


def test_deactivate_revokes_tokens_and_reactivate(cast):
    target = account(cast.township)
    Token.objects.create(user=target)
    DeactivateAccount().execute(cast.admin, target, note="left the office")
    target.refresh_from_db()
    assert not target.is_active and not Token.objects.filter(user=target).exists()
    assert DeactivateAccount().check(cast.admin, target).status == 409
    ReactivateAccount().execute(cast.admin, target)
    target.refresh_from_db()
    assert target.is_active
    names = list(
        AuditEvent.objects.filter(object_id=target.pk, event__startswith="administration.account")
        .order_by("id")
        .values_list("event", flat=True)
    )
    assert names == ["administration.account.deactivated", "administration.account.reactivated"]


def test_unlock_resets_axes_attempts(cast):
    target = account(cast.township)
    assert UnlockAccount().check(cast.admin, target).status == 409  # not locked
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": target.username, "password": "wrong-password"})
    assert client.post("/login/", {"username": target.username, "password": PASSWORD}).status_code == 429
    assert services.is_locked(target)
    UnlockAccount().execute(cast.admin, target)
    assert not AccessAttempt.objects.filter(username=target.username).exists()
    response = Client().post("/login/", {"username": target.username, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEvent.objects.get(event="administration.account.unlocked").before["locked"] is True


def test_reset_two_factor_deletes_devices(cast):
    target = account(cast.staff)
    TOTPDevice.objects.create(user=target, name="authenticator", confirmed=True)
    StaticDevice.objects.create(user=target, name="recovery", confirmed=True)
    Token.objects.create(user=target)
    ResetTwoFactor().execute(cast.admin, target)
    assert not TOTPDevice.objects.filter(user=target).exists()
    assert not StaticDevice.objects.filter(user=target).exists()
    assert not Token.objects.filter(user=target).exists()
    assert ResetTwoFactor().check(cast.admin, target).status == 409


def test_revoke_tokens_is_the_one_place(cast):
    Token.objects.create(user=cast.township)
    assert services.revoke_tokens(cast.township) == 1
    assert services.revoke_tokens(cast.township) == 0


def test_approval_applies_and_records_both_administrators(cast, create):
    new, pending = create(cast.admin, "auditor9", Role.AUDITOR, ())
    from ..actions import ApproveGrant

    ApproveGrant().execute(cast.admin2, pending, note="checked with HR")
    pending.refresh_from_db()
    assert pending.status == "approved" and pending.decided_by_name == "t_admin2"
    assert read_access(new).role == Role.AUDITOR
    grant = AccessGrant.objects.get(user=new, kind="role")
    assert (grant.granted_by_name, grant.approved_by_name) == ("t_admin", "t_admin2")
    assert AuditEvent.objects.filter(event="administration.grant.approved", object_id=pending.pk).exists()
    assert PendingGrant.objects.filter(status="pending").count() == 0


def test_list_filters(cast):
    client = logged_in(cast.admin)
    TOTPDevice.objects.create(user=cast.staff, name="a", confirmed=True)
    DeactivateAccount().execute(cast.admin, account(cast.county_b))

    def names(query):
        response = client.get(f"/administration/accounts/?{query}")
        assert response.status_code == 200
        return {row["account"].username for row in response.context["rows"]}

    assert names("role=township_office") == {"t_township", "t_clerk_b"}
    assert names("county=TW-NWT") >= {"t_township", "t_county_a", "t_county_admin"}
    assert "t_county_b" not in names("county=TW-NWT")
    assert names("state=inactive") == {"t_county_b"}
    assert names("two_factor=true") == {"t_staff"}
    assert "t_county_b" not in names("state=active")
    page = client.get("/administration/accounts/?role=township_office").content.decode()
    assert "新北市板橋區" in page  # scope in words
