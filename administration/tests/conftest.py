import pytest

from core.accounts import provision_user
from core.choices import Role
from core.testing import PASSWORD

from ..access import MANAGE_COUNTY_ACCOUNTS, Access, apply_access
from ..models import Account

TOWNSHIP_B = "100"  # 中正區, 臺北市 (county B)


def account(user) -> Account:
    return Account.objects.get(pk=user.pk)


def fresh(user):
    """The user as a new request would load it (permissions and scope not cached on the object)."""
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def cast(users):
    """The named users plus a second MND administrator, a county account administrator of county A (新北市),
    a township clerk in county B and one more clerk in county A."""
    admin2 = provision_user("t_admin2", Role.MND_ADMIN, password=PASSWORD, check_password=False)
    county_admin = provision_user(
        "t_county_admin", Role.LOCAL_GOV, regions=["TW-NWT"], password=PASSWORD, check_password=False
    )
    apply_access(
        county_admin, Access.of(Role.LOCAL_GOV, ["TW-NWT"], permissions=[MANAGE_COUNTY_ACCOUNTS]), by=users.admin
    )
    clerk_b = provision_user(
        "t_clerk_b", Role.TOWNSHIP_OFFICE, regions=[TOWNSHIP_B], password=PASSWORD, check_password=False
    )
    users.admin2 = fresh(admin2)
    users.county_admin = fresh(county_admin)
    users.clerk_b = fresh(clerk_b)
    users.admin = fresh(users.admin)
    return users
