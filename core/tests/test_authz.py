"""The cached authorisation (core.authz): one cache read instead of the permission, role and scope queries, and
never a stale grant once the change is committed."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from core import authz
from core.accounts import provision_user
from core.choices import Role
from core.scope import get_scope
from core.testing import COUNTY_A, COUNTY_B, county, logged_in

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads it: no per-object caches."""
    return get_user_model().objects.get(pk=user.pk)


def test_a_warm_user_costs_no_queries_for_permissions_roles_and_scope(users):
    authz.load(fresh(users.county_a))  # fills the shared cache
    user = fresh(users.county_a)
    with CaptureQueriesContext(connection) as ctx:
        assert user.has_perm("reservists.view_reservist")
        assert not user.has_perm("core.view_auditevent")
        assert authz.roles(user) == {Role.LOCAL_GOV.value}
        scope = get_scope(user)
    assert len(ctx.captured_queries) == 0
    assert county(COUNTY_A).pk in scope.region_ids and county(COUNTY_B).pk not in scope.region_ids
    # the same answers as computed from the database
    assert scope == authz._compute(fresh(users.county_a)).scope


@pytest.mark.parametrize(
    "change",
    ["region grant", "region revoke", "group", "user permission", "group permission"],
)
def test_every_kind_of_grant_change_is_seen_by_the_next_request(users, change):
    user = users.county_a
    authz.load(fresh(user))
    other = county(COUNTY_B)
    if change == "region grant":
        assign_perm("core.access_region", user, other)
        assert other.pk in get_scope(fresh(user)).region_ids
    elif change == "region revoke":
        remove_perm("core.access_region", user, county(COUNTY_A))
        assert get_scope(fresh(user)).region_ids == frozenset()
    elif change == "group":
        user.groups.add(Group.objects.get(name=Role.AUDITOR.value))
        assert fresh(user).has_perm("core.view_auditevent")
        assert Role.AUDITOR.value in authz.roles(fresh(user))
    elif change == "user permission":
        user.user_permissions.add(Permission.objects.get(codename="access_all_regions"))
        assert get_scope(fresh(user)).nation
    else:
        group = Group.objects.get(name=Role.LOCAL_GOV.value)
        group.permissions.remove(Permission.objects.get(codename="view_reservist"))
        assert not fresh(user).has_perm("reservists.view_reservist")


@pytest.mark.django_db(transaction=True)
def test_a_request_that_cached_the_old_grants_mid_transaction_does_not_outlive_the_commit(users):
    """A request on another connection that reads the grants between the change and its commit sees the old
    ones and caches them; the commit's new generation makes that entry unusable."""
    from django.db import transaction

    user = users.county_b
    old = authz._compute(fresh(user))
    with transaction.atomic():
        assign_perm("core.access_region", user, county(COUNTY_A))
        cache.set(authz.entry_key(user), (cache.get(authz.GENERATION_KEY), old), 300)  # that request's write
        assert county(COUNTY_A).pk not in get_scope(fresh(user)).region_ids  # stale until the commit
    assert county(COUNTY_A).pk in get_scope(fresh(user)).region_ids


def test_a_recreated_account_or_a_superuser_change_never_reads_the_old_entry(users):
    user = users.county_a
    before = authz.entry_key(fresh(user))
    user.is_superuser = True
    user.save()
    assert authz.entry_key(fresh(user)) != before
    assert get_scope(fresh(user)).nation


def test_redis_down_computes_from_the_database(users, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    user = fresh(users.county_a)
    assert user.has_perm("reservists.view_reservist")
    assert county(COUNTY_A).pk in get_scope(user).region_ids
    assert logged_in(users.county_a).get("/reservists/").status_code == 200


def test_provisioning_a_new_role_takes_effect_for_a_logged_in_user(users):
    client = logged_in(users.county_a)
    assert client.get(reverse("core:audit-list")).status_code == 403
    provision_user(users.county_a.username, Role.AUDITOR)
    assert client.get(reverse("core:audit-list")).status_code == 200
