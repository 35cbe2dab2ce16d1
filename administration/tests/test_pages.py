"""The pages: who opens them, what they show, and that a refused step in a form changes nothing."""

import pytest

from core.models import Organisation
from core.testing import COUNTY_A, ScopedViewContract, logged_in

from ..access import read_access
from ..models import Account
from .conftest import TOWNSHIP_B, account

pytestmark = pytest.mark.django_db


class TestOrganisationDetail(ScopedViewContract):
    allowed = "admin"
    denied = "nobody"

    def make_object(self, county):
        return Organisation.objects.create(code=f"o-{county.code.lower()}", name="x", kind="other", region=county)

    def url(self, obj):
        return f"/administration/organisations/{obj.pk}/"

    def test_out_of_scope_is_not_found(self, users):
        obj = self.make_object(__import__("core.testing", fromlist=["county"]).county("TW-TPE"))
        assert logged_in(users.county_a).get(self.url(obj)).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/administration/accounts/",
        "/administration/accounts/new/",
        "/administration/grants/",
        "/administration/organisations/new/",
        "/administration/review/",
        "/administration/accounts/import/",
    ],
)
def test_pages_refuse_roles_without_permission(cast, path):
    for who in (cast.staff, cast.county_a, cast.township, cast.agency):
        assert logged_in(who).get(path).status_code == 403, (who, path)


@pytest.mark.parametrize(
    "path",
    [
        "/administration/accounts/",
        "/administration/accounts/new/",
        "/administration/grants/",
        "/administration/organisations/",
        "/administration/organisations/new/",
        "/administration/review/",
        "/administration/accounts/import/",
        "/administration/accounts/{township}/",
        "/administration/accounts/{township}/access/",
    ],
)
def test_pages_open_for_the_admin(cast, path):
    response = logged_in(cast.admin).get(path.format(township=cast.township.pk))
    assert response.status_code == 200


def test_county_admin_pages(cast):
    client = logged_in(cast.county_admin)
    listed = client.get("/administration/accounts/")
    assert listed.status_code == 200
    names = {row["account"].username for row in listed.context["rows"]}
    assert "t_township" in names and "t_clerk_b" not in names and "t_admin" not in names
    form = client.get("/administration/accounts/new/").content.decode()
    assert 'value="220"' in form and f'value="{TOWNSHIP_B}"' not in form  # only their county is offered
    assert 'value="mnd_staff"' not in form
    # posting another county's township anyway is refused, 403, and creates nothing
    response = client.post(
        "/administration/accounts/new/",
        {"username": "elsewhere", "email": "e@example.gov.tw", "role": "township_office", "regions": [TOWNSHIP_B]},
    )
    assert response.status_code == 403
    assert "outside your county" in response.content.decode() or "縣市以外" in response.content.decode()
    assert not Account.objects.filter(username="elsewhere").exists()
    response = client.post(
        "/administration/accounts/new/",
        {"username": "above", "email": "a@example.gov.tw", "role": "local_gov", "regions": [COUNTY_A]},
    )
    assert response.status_code == 403 and not Account.objects.filter(username="above").exists()
    # another county's clerk: 404 everywhere; a peer's page opens but offers nothing
    assert client.get(f"/administration/accounts/{cast.clerk_b.pk}/").status_code == 404
    assert client.post(f"/administration/accounts/{cast.clerk_b.pk}/deactivate/").status_code == 404
    assert client.post(f"/administration/accounts/{cast.county_a.pk}/deactivate/").status_code == 403
    assert account(cast.county_a).is_active and account(cast.clerk_b).is_active


def test_admin_page_flow(cast):
    client = logged_in(cast.admin)
    response = client.post(
        "/administration/accounts/new/",
        {
            "username": "newclerk",
            "full_name": "新書記",
            "email": "n@example.gov.tw",
            "role": "township_office",
            "regions": ["220"],
        },
    )
    assert response.status_code == 302
    new = Account.objects.get(username="newclerk")
    response = client.post(f"/administration/accounts/{new.pk}/access/", {"role": "mnd_staff", "regions": [COUNTY_A]})
    assert response.status_code == 302
    assert read_access(new).role == "township_office"  # waits for approval
    page = client.get(f"/administration/accounts/{new.pk}/").content.decode()
    assert 'id="pending-grant"' in page
    grants = client.get("/administration/grants/")
    assert grants.context["rows"][0]["can_approve"] is False  # asked by this administrator
    second = logged_in(cast.admin2)
    pk = grants.context["rows"][0]["grant"].pk
    assert second.post(f"/administration/grants/{pk}/approve/").status_code == 302
    assert read_access(new).role == "mnd_staff"
    assert client.post(f"/administration/accounts/{new.pk}/deactivate/", {"note": "x"}).status_code == 302
    new.refresh_from_db()
    assert not new.is_active


def test_organisation_pages(cast):
    client = logged_in(cast.admin)
    response = client.post(
        "/administration/organisations/new/",
        {
            "name": "臺北市政府",
            "code": "tpe-gov",
            "kind": "county_government",
            "region": Organisation.objects.get(code="t-agency-b").region_id,
        },
    )
    assert response.status_code == 302
    org = Organisation.objects.get(code="tpe-gov")
    assert client.post(f"/administration/organisations/{org.pk}/deactivate/").status_code == 302
    org.refresh_from_db()
    assert not org.is_active
    assert logged_in(cast.county_a).post(f"/administration/organisations/{org.pk}/reactivate/").status_code in (
        403,
        404,
    )


@pytest.mark.parametrize("path", ["/administration/accounts/", "/api/accounts/", "/administration/review/"])
def test_list_queries_do_not_grow_with_accounts(cast, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.accounts import provision_user

    client = logged_in(cast.admin)
    assert client.get(path).status_code == 200  # warms the cached authorisation
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    for i in range(15):
        provision_user(f"extra{i}", "township_office", regions=["220" if i % 2 else "221"])
    client.get(path)  # grant changes invalidate every cached authorisation: warm it again
    with CaptureQueriesContext(connection) as many:
        client.get(path)
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
