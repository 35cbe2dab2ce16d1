"""Every way up is tried: granting oneself, granting above one's own role, reaching outside one's county,
approving one's own request. Each refusal changes nothing."""

import pytest
from django.http import Http404

from core.actions import ActionRefused
from core.choices import Role
from core.models import AuditEvent
from core.testing import api_client, logged_in

from ..access import FULL_ID_PERM, MANAGE_COUNTY_ACCOUNTS, Access, read_access
from ..actions import (
    ApproveGrant,
    ChangeAccess,
    CreateAccount,
    DeactivateAccount,
    RequestGrant,
    ResetTwoFactor,
    UnlockAccount,
    change_access,
)
from ..models import Account, PendingGrant
from .conftest import TOWNSHIP_B, account

pytestmark = pytest.mark.django_db


def refused(status, fn, *args, **kwargs):
    with pytest.raises(ActionRefused) as caught:
        fn(*args, **kwargs)
    assert caught.value.status_code == status, caught.value.as_dict()
    return caught.value


# ----- self-grant -----------------------------------------------------------------------------------------


def test_admin_cannot_change_their_own_access(cast):
    me = account(cast.admin)
    before = read_access(me)
    err = refused(403, change_access, cast.admin, me, Access.of(Role.MND_ADMIN, permissions=[FULL_ID_PERM]))
    assert err.check.refusals[0].code == "self"
    assert read_access(me) == before
    assert not PendingGrant.objects.exists()


def test_county_admin_cannot_give_themselves_anything(cast):
    me = account(cast.county_admin)
    refused(403, ChangeAccess().execute, cast.county_admin, me, access=Access.of(Role.MND_STAFF))
    refused(403, DeactivateAccount().execute, cast.county_admin, me)


def test_nobody_approves_their_own_request_or_a_grant_for_themselves(cast):
    target = account(cast.county_a)
    _, grant = change_access(cast.admin, target, Access.of(Role.LOCAL_GOV, ["TW-NWT"], permissions=[FULL_ID_PERM]))
    err = refused(403, ApproveGrant().execute, cast.admin, grant)
    assert err.check.refusals[0].code == "four_eyes"
    # a grant for the second administrator themselves, asked by the first: the second cannot approve it
    own = RequestGrant().execute(
        cast.admin, account(cast.admin2), access=Access.of(Role.MND_ADMIN, permissions=[FULL_ID_PERM])
    )
    assert refused(403, ApproveGrant().execute, cast.admin2, own).check.refusals[0].code == "self"
    grant.refresh_from_db()
    own.refresh_from_db()
    assert grant.status == own.status == "pending"
    assert not cast.county_a.has_perm(FULL_ID_PERM)


def test_approving_needs_the_permission(cast):
    _, grant = change_access(cast.admin, account(cast.township), Access.of(Role.MND_STAFF))
    for who in (cast.staff, cast.county_admin, cast.auditor):
        status = ApproveGrant().check(who, grant).status
        assert status in (403, 404)
    with pytest.raises(Http404):
        ApproveGrant().execute(cast.county_admin, grant)


# ----- above one's role -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "access",
    [
        Access.of(Role.LOCAL_GOV, ["TW-NWT"]),
        Access.of(Role.MND_STAFF, ["TW-NWT"]),
        Access.of(Role.MND_ADMIN),
        Access.of(Role.AUDITOR),
        Access.of(Role.TOWNSHIP_OFFICE, ["220"], permissions=[FULL_ID_PERM]),
        Access.of(Role.LOCAL_GOV, ["TW-NWT"], permissions=[MANAGE_COUNTY_ACCOUNTS]),
    ],
)
def test_county_admin_cannot_create_above_their_role(cast, access):
    err = refused(
        403, CreateAccount().execute, cast.county_admin, username="x1", email="x1@example.gov.tw", access=access
    )
    assert err.check.refusals[0].code == "role_above"
    assert not Account.objects.filter(username="x1").exists()


def test_county_admin_cannot_raise_a_clerk(cast):
    clerk = account(cast.township)
    refused(403, ChangeAccess().execute, cast.county_admin, clerk, access=Access.of(Role.LOCAL_GOV, ["TW-NWT"]))
    refused(
        403,
        change_access,
        cast.county_admin,
        clerk,
        Access.of(Role.TOWNSHIP_OFFICE, ["220"], permissions=[FULL_ID_PERM]),
    )
    assert read_access(clerk) == Access.of(Role.TOWNSHIP_OFFICE, ["220"])


def test_county_admin_cannot_act_on_a_peer_in_their_county(cast):
    peer = account(cast.county_a)  # local_gov of the same county: visible, not theirs to manage
    for action in (DeactivateAccount(), UnlockAccount(), ResetTwoFactor()):
        err = refused(403, action.execute, cast.county_admin, peer)
        assert err.check.refusals[0].code == "role_above"
    peer.refresh_from_db()
    assert peer.is_active


def test_county_admin_may_manage_their_clerks(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        new, pending = CreateAccount().execute(
            cast.county_admin,
            username="banqiao9",
            email="b9@example.gov.tw",
            access=Access.of(Role.TOWNSHIP_OFFICE, ["220"]),
        )
    assert pending is None and read_access(new).regions == ("220",)
    change_access(cast.county_admin, new, Access.of(Role.TOWNSHIP_OFFICE, ["221"]))
    DeactivateAccount().execute(cast.county_admin, new)
    new.refresh_from_db()
    assert not new.is_active
    # Three named steps (created, scope changed, deactivated); the account table's own row changes are logged too.
    assert (
        AuditEvent.objects.filter(
            object_id=new.pk, username="t_county_admin", event__startswith="administration."
        ).count()
        == 3
    )


# ----- outside one's county -------------------------------------------------------------------------------


def test_county_admin_cannot_create_outside_their_county(cast):
    err = refused(
        403,
        CreateAccount().execute,
        cast.county_admin,
        username="x2",
        email="x2@example.gov.tw",
        access=Access.of(Role.TOWNSHIP_OFFICE, [TOWNSHIP_B]),
    )
    assert err.check.refusals[0].code == "scope_outside"
    assert not Account.objects.filter(username="x2").exists()


def test_county_admin_cannot_move_a_clerk_out_of_their_county(cast):
    clerk = account(cast.township)
    err = refused(403, change_access, cast.county_admin, clerk, Access.of(Role.TOWNSHIP_OFFICE, [TOWNSHIP_B]))
    assert err.check.refusals[0].code == "scope_outside"
    assert read_access(clerk).regions == ("220",)


def test_accounts_outside_the_county_do_not_exist_for_them(cast):
    other = account(cast.clerk_b)
    for action in (DeactivateAccount(), UnlockAccount(), ResetTwoFactor()):
        assert action.check(cast.county_admin, other).status == 404
    client = api_client(cast.county_admin)
    assert client.get(f"/api/accounts/{other.pk}/").status_code == 404
    for step in ("deactivate", "unlock", "reset-2fa"):
        assert client.post(f"/api/accounts/{other.pk}/{step}/").status_code == 404
    assert logged_in(cast.county_admin).get(f"/administration/accounts/{other.pk}/").status_code == 404
    ids = {row["id"] for row in client.get("/api/accounts/").json()["results"]}
    assert cast.township.pk in ids and other.pk not in ids and cast.admin.pk not in ids
    other.refresh_from_db()
    assert other.is_active


def test_roles_without_the_permission_are_refused(cast):
    target = account(cast.township)
    for who in (cast.staff, cast.county_a, cast.approver, cast.agency, cast.nobody):
        client = api_client(who)
        assert client.get("/api/accounts/").status_code == 403
        assert client.post(f"/api/accounts/{target.pk}/deactivate/").status_code == 403
        assert (
            client.post(
                "/api/accounts/",
                {"username": "zz", "email": "z@example.gov.tw", "role": "township_office", "regions": ["220"]},
                format="json",
            ).status_code
            == 403
        )
    # the auditor reads but cannot write
    auditor = api_client(cast.auditor)
    assert auditor.get("/api/accounts/").status_code == 200
    assert auditor.post(f"/api/accounts/{target.pk}/deactivate/").status_code == 403
    target.refresh_from_db()
    assert target.is_active and not Account.objects.filter(username="zz").exists()
