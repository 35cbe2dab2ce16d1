"""/api/accounts/, /api/accounts/grants/ and /api/organisations/ with the names the acceptance checks use."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.choices import Role
from core.models import Organisation
from core.testing import api_client

from ..models import Account, PendingGrant
from .conftest import account

pytestmark = pytest.mark.django_db


def test_account_fields(cast):
    TOTPDevice.objects.create(user=cast.township, name="a", confirmed=True)
    client = api_client(cast.admin)
    row = client.get(f"/api/accounts/{cast.township.pk}/").json()
    assert {
        "id",
        "username",
        "name",
        "role",
        "regions",
        "organisation",
        "is_active",
        "two_factor",
        "last_login",
    } <= set(row)
    assert (row["role"], row["regions"], row["two_factor"], row["is_active"]) == (
        "township_office",
        ["220"],
        True,
        True,
    )
    agency = client.get(f"/api/accounts/{cast.agency.pk}/").json()
    assert agency["organisation"] == "t-agency-a" and agency["regions"] == []
    listed = client.get("/api/accounts/?role=township_office").json()
    assert {r["username"] for r in listed["results"]} == {"t_township", "t_clerk_b"}


def test_unknown_query_parameters_are_refused(cast):
    client = api_client(cast.admin)
    assert client.get("/api/accounts/?rol=township_office").status_code == 400
    assert client.get("/api/organisations/?kinds=agency").status_code == 400


def test_create_deactivate_unlock_reset_2fa(cast, django_capture_on_commit_callbacks):
    client = api_client(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/accounts/",
            {
                "username": "clerk7",
                "name": "陳",
                "email": "c7@example.gov.tw",
                "phone": "02-1",
                "role": "township_office",
                "regions": ["220"],
            },
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["outcome"] == "applied" and body["account"]["regions"] == ["220"]
    pk = body["account"]["id"]
    assert client.post(f"/api/accounts/{pk}/unlock/").status_code == 409  # not locked
    assert client.post(f"/api/accounts/{pk}/reset-2fa/").status_code == 409  # no second factor
    response = client.post(f"/api/accounts/{pk}/deactivate/", {"note": "left"}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert client.post(f"/api/accounts/{pk}/deactivate/").status_code == 409


def test_bad_input_is_400_and_creates_nothing(cast):
    client = api_client(cast.admin)
    response = client.post(
        "/api/accounts/",
        {"username": "x", "email": "x@example.gov.tw", "role": "township_office", "regions": ["TW-NWT"]},
        format="json",
    )
    assert response.status_code == 400
    response = client.post(
        "/api/accounts/",
        {"username": "t_township", "email": "x@example.gov.tw", "role": "township_office", "regions": ["220"]},
        format="json",
    )
    assert response.status_code == 400 and response.json()["reasons"][0]["field"] == "username"
    assert not Account.objects.filter(username="x").exists()


def test_nationwide_grant_waits_for_a_second_admin(cast):
    first, second = api_client(cast.admin), api_client(cast.admin2)
    target = account(cast.township)
    response = first.post(f"/api/accounts/{target.pk}/access/", {"role": "mnd_staff", "regions": []}, format="json")
    assert response.status_code == 200 and response.json()["outcome"] == "pending"
    grant_id = response.json()["grant"]
    assert response.json()["account"]["role"] == "township_office"  # not yet
    listed = first.get("/api/accounts/grants/").json()["results"]
    assert [g["id"] for g in listed] == [grant_id] and listed[0]["reasons"] == ["mnd_role", "nationwide"]
    assert first.post(f"/api/accounts/grants/{grant_id}/approve/").status_code == 403  # four-eyes
    assert api_client(cast.staff).post(f"/api/accounts/grants/{grant_id}/approve/").status_code == 404
    response = second.post(f"/api/accounts/grants/{grant_id}/approve/", {"note": "ok"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    row = first.get(f"/api/accounts/{target.pk}/").json()
    assert row["role"] == Role.MND_STAFF and row["regions"] == []
    assert first.get("/api/accounts/grants/").json()["results"] == []
    assert second.post(f"/api/accounts/grants/{grant_id}/approve/").status_code == 409
    assert PendingGrant.objects.get().decided_by_name == "t_admin2"


def test_organisations(cast):
    client = api_client(cast.admin)
    response = client.post(
        "/api/organisations/",
        {"code": "nwt-gov", "name": "新北市政府", "kind": "county_government", "region": "TW-NWT"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    parent = response.json()
    response = client.post(
        "/api/organisations/",
        {
            "code": "banqiao-office",
            "name": "板橋區公所",
            "kind": "township_office",
            "region": "220",
            "parent": "nwt-gov",
        },
        format="json",
    )
    assert response.status_code == 201
    row = response.json()
    assert {k: row[k] for k in ("code", "name", "kind", "region", "parent")} == {
        "code": "banqiao-office",
        "name": "板橋區公所",
        "kind": "township_office",
        "region": "220",
        "parent": "nwt-gov",
    }
    # a cycle is refused
    response = client.patch(f"/api/organisations/{parent['id']}/", {"parent": "banqiao-office"}, format="json")
    assert response.status_code == 400
    # writes need the permission
    assert (
        api_client(cast.county_a)
        .post("/api/organisations/", {"code": "zz", "name": "z", "kind": "other", "region": "TW-NWT"}, format="json")
        .status_code
        == 403
    )
    assert api_client(cast.county_a).post(f"/api/organisations/{row['id']}/deactivate/").status_code == 403
    # a county official sees their county's organisations only
    ids = {r["id"] for r in api_client(cast.county_a).get("/api/organisations/").json()["results"]}
    assert row["id"] in ids and Organisation.objects.get(code="t-agency-b").pk not in ids


def test_deactivating_an_organisation_deactivates_its_accounts(cast):
    client = api_client(cast.admin)
    org = Organisation.objects.get(code="t-agency-a")
    from rest_framework.authtoken.models import Token

    Token.objects.create(user=cast.agency)
    response = client.post(f"/api/organisations/{org.pk}/deactivate/", {"note": "contract ended"}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    agency = account(cast.agency)
    assert not agency.is_active and not Token.objects.filter(user=agency).exists()
    assert client.post(f"/api/accounts/{agency.pk}/reactivate/").status_code == 409  # organisation first
    assert client.post(f"/api/organisations/{org.pk}/reactivate/").status_code == 200
    assert client.post(f"/api/accounts/{agency.pk}/reactivate/").status_code == 200
