import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from core.models import Organisation, Region
from core.scope import get_scope

pytestmark = pytest.mark.django_db


def add_user(*args, stdin="a-Strong-pass-9876\n"):
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    out = io.StringIO()
    try:
        call_command("add_user", *args, stdout=out)
    finally:
        sys.stdin = old
    return out.getvalue()


def test_add_user_two_counties_see_only_their_own():
    add_user("kaohsiung", "--role", "local_gov", "--region", "TW-KHH")
    add_user("taichung", "--role", "local_gov", "--region", "TW-TXG")
    kao, tai = User.objects.get(username="kaohsiung"), User.objects.get(username="taichung")
    assert kao.check_password("a-Strong-pass-9876")
    kao_regions = set(Region.objects.for_user(kao).values_list("code", flat=True))
    tai_regions = set(Region.objects.for_user(tai).values_list("code", flat=True))
    assert "TW-KHH" in kao_regions and "807" in kao_regions and "TW-TXG" not in kao_regions
    assert "TW-TXG" in tai_regions and "400" in tai_regions and "TW-KHH" not in tai_regions
    assert kao_regions.isdisjoint(tai_regions)


def test_add_user_password_from_environment(monkeypatch):
    monkeypatch.setenv("NEW_PW", "env-Strong-pass-4321")
    add_user("envuser", "--role", "auditor", "--password-env", "NEW_PW", stdin="")
    assert User.objects.get(username="envuser").check_password("env-Strong-pass-4321")


def test_add_user_is_idempotent_and_replaces_scope():
    add_user("mover", "--role", "local_gov", "--region", "TW-KHH")
    add_user("mover", "--role", "local_gov", "--region", "TW-TPE")
    user = User.objects.get(username="mover")
    assert list(user.groups.values_list("name", flat=True)) == ["local_gov"]
    codes = set(Region.objects.for_user(user).counties().values_list("code", flat=True))
    assert codes == {"TW-TPE"}


@pytest.mark.parametrize(
    "args, message",
    [
        (["x", "--role", "local_gov"], "exactly one county"),
        (["x", "--role", "local_gov", "--region", "220"], "exactly one county"),
        (["x", "--role", "township_office", "--region", "TW-NWT"], "exactly one township"),
        (["x", "--role", "agency"], "--organisation"),
        (["x", "--role", "auditor", "--region", "TW-NWT"], "nationwide"),
        (["x", "--role", "local_gov", "--region", "TW-XXX"], "Unknown region"),
    ],
)
def test_add_user_refuses_bad_scope(args, message, settings):
    settings.LANGUAGE_CODE = "en"
    from django.utils import translation

    with translation.override("en"), pytest.raises(CommandError, match=message):
        add_user(*args)
    assert not User.objects.filter(username="x").exists()


def test_add_user_refuses_weak_password():
    with pytest.raises(CommandError):
        add_user("weak", "--role", "auditor", stdin="123\n")
    assert not User.objects.filter(username="weak").exists()


def test_scopes_of_named_users(users):
    assert get_scope(users.staff).nation and get_scope(users.approver).nation and get_scope(users.auditor).nation
    township = get_scope(users.township)
    assert township.region_ids == frozenset(Region.objects.filter(code="220").values_list("id", flat=True))
    agency = get_scope(users.agency)
    assert agency.organisation_ids == {Organisation.objects.get(code="t-agency-a").pk}
    assert get_scope(users.nobody).empty


def test_for_user_filters_organisations(users):
    visible = set(Organisation.objects.for_user(users.agency).values_list("code", flat=True))
    assert "t-agency-a" in visible and "t-agency-b" not in visible
