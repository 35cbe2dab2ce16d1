"""Test helpers every app uses: named users and generic contracts for views and API endpoints.

An app's tests supply data only:

    class TestReservistDetail(ScopedViewContract):
        permission = "reservists.view_reservist"
        allowed = "county_a"
        def make_object(self, county):   # county is a Region (TW-NWT for A, TW-TPE for B)
            return ReservistFactory(township=county.children.first())
        def url(self, obj):
            return reverse("reservists:detail", args=[obj.pk])

and get tests for anonymous (login redirect / 401), no permission (403), out of scope (404) and allowed.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.test import Client

from .accounts import provision_user
from .choices import OrganisationKind, Role
from .models import Organisation, Region

PASSWORD = "test-Password-1234"
COUNTY_A = "TW-NWT"  # 新北市
COUNTY_B = "TW-TPE"  # 臺北市
TOWNSHIP_A = "220"  # 板橋區, in county A


def organisation(code: str, kind=OrganisationKind.AGENCY, region: str = COUNTY_B, name: str | None = None):
    return Organisation.objects.get_or_create(
        code=code, defaults={"name": name or code, "kind": kind, "region": Region.objects.get(code=region)}
    )[0]


@dataclass
class NamedUsers:
    """The cast of STYLE.md: who can do what, and where."""

    admin: object
    staff: object
    approver: object
    approver2: object
    county_a: object  # local_gov of 新北市
    county_b: object  # local_gov of 臺北市
    township: object  # township_office of 板橋區 (in county A)
    agency: object
    agency_b: object
    auditor: object
    nobody: object  # logged in, no role at all

    @classmethod
    def create(cls) -> NamedUsers:
        mnd = organisation("t-mnd", OrganisationKind.MND_UNIT)
        org_a = organisation("t-agency-a", region=COUNTY_A)
        org_b = organisation("t-agency-b", region=COUNTY_B)

        def make(name, role, **kw):
            return provision_user(name, role, password=PASSWORD, check_password=False, **kw)

        nobody = get_user_model().objects.create_user("nobody", password=PASSWORD)
        return cls(
            admin=make("t_admin", Role.MND_ADMIN, organisation=mnd.code),
            staff=make("t_staff", Role.MND_STAFF, organisation=mnd.code),
            approver=make("t_approver", Role.MND_APPROVER, organisation=mnd.code),
            approver2=make("t_approver2", Role.MND_APPROVER, organisation=mnd.code),
            county_a=make("t_county_a", Role.LOCAL_GOV, regions=[COUNTY_A]),
            county_b=make("t_county_b", Role.LOCAL_GOV, regions=[COUNTY_B]),
            township=make("t_township", Role.TOWNSHIP_OFFICE, regions=[TOWNSHIP_A]),
            agency=make("t_agency", Role.AGENCY, organisation=org_a.code),
            agency_b=make("t_agency_b", Role.AGENCY, organisation=org_b.code),
            auditor=make("t_auditor", Role.AUDITOR),
            nobody=nobody,
        )

    def get(self, name: str):
        return getattr(self, name)


def county(code: str) -> Region:
    return Region.objects.get(code=code)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user=None):
    from rest_framework.test import APIClient

    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


class ScopedViewContract:
    """Page contract. Supply `make_object(county)`, `url(obj)`; set `allowed` (a NamedUsers attribute)
    and optionally `denied` (a user without the permission; default `nobody`).
    `in_scope_county` / `out_of_scope_county` are the counties the objects are made in."""

    allowed = "county_a"
    denied = "nobody"
    in_scope_county = COUNTY_A
    out_of_scope_county = COUNTY_B
    method = "get"

    def make_object(self, county: Region):
        raise NotImplementedError

    def url(self, obj) -> str:
        raise NotImplementedError

    def request(self, client, url):
        return getattr(client, self.method)(url)

    def test_anonymous_goes_to_login(self, users):
        obj = self.make_object(county(self.in_scope_county))
        response = self.request(Client(), self.url(obj))
        assert response.status_code == 302
        assert "/login/" in response["Location"]

    def test_without_permission_is_forbidden(self, users):
        obj = self.make_object(county(self.in_scope_county))
        response = self.request(logged_in(users.get(self.denied)), self.url(obj))
        assert response.status_code == 403

    def test_out_of_scope_is_not_found(self, users):
        obj = self.make_object(county(self.out_of_scope_county))
        response = self.request(logged_in(users.get(self.allowed)), self.url(obj))
        assert response.status_code == 404

    def test_allowed(self, users):
        obj = self.make_object(county(self.in_scope_county))
        response = self.request(logged_in(users.get(self.allowed)), self.url(obj))
        assert response.status_code == 200


class ScopedAPIContract:
    """API contract for a list endpoint and its detail endpoint. Supply `make_object(county)`,
    `list_url`, `detail_url(obj)`. Out-of-scope objects are 404 on detail and absent from the list."""

    allowed = "county_a"
    denied = "nobody"
    in_scope_county = COUNTY_A
    out_of_scope_county = COUNTY_B
    list_url = ""

    def make_object(self, county: Region):
        raise NotImplementedError

    def detail_url(self, obj) -> str:
        raise NotImplementedError

    def listed_ids(self, response) -> set:
        data = response.json()
        rows = data["results"] if isinstance(data, dict) and "results" in data else data
        return {row["id"] for row in rows}

    def test_anonymous_is_unauthorised(self, users):
        obj = self.make_object(county(self.in_scope_county))
        assert api_client().get(self.detail_url(obj)).status_code == 401
        assert api_client().get(self.list_url).status_code == 401

    def test_without_permission_is_forbidden(self, users):
        obj = self.make_object(county(self.in_scope_county))
        client = api_client(users.get(self.denied))
        assert client.get(self.detail_url(obj)).status_code == 403
        assert client.get(self.list_url).status_code == 403

    def test_out_of_scope_is_not_found_nor_listed(self, users):
        mine = self.make_object(county(self.in_scope_county))
        theirs = self.make_object(county(self.out_of_scope_county))
        client = api_client(users.get(self.allowed))
        assert client.get(self.detail_url(theirs)).status_code == 404
        response = client.get(self.list_url)
        assert response.status_code == 200
        ids = self.listed_ids(response)
        assert mine.pk in ids
        assert theirs.pk not in ids

    def test_allowed(self, users):
        obj = self.make_object(county(self.in_scope_county))
        response = api_client(users.get(self.allowed)).get(self.detail_url(obj))
        assert response.status_code == 200
        assert response.json()["id"] == obj.pk


# ----- faults -------------------------------------------------------------------------------------


def terminate_backend(using: str = "default") -> int:
    """Kill the PostgreSQL backend of Django's connection `using`, from a second connection, as a crash or a
    network cut would, and wait until the server has dropped it. Returns the killed backend's pid.

    The Django connection is left as it is: its next statement or commit fails as in production."""
    from django.db import connections

    victim = connections[using]
    victim.ensure_connection()
    pid = victim.connection.get_backend_pid()
    killer = victim.copy()  # same settings (the test database), its own server connection
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            for _ in range(500):  # bounded: the backend ends within milliseconds
                cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
                if cursor.fetchone() is None:
                    break
                time.sleep(0.01)
            else:
                raise AssertionError(f"backend {pid} survived pg_terminate_backend")
    finally:
        killer.close()
    return pid


@dataclass
class ConnectionKill:
    pattern: str
    after: int
    seen: int = 0
    killed_pid: int | None = None


@contextmanager
def connection_lost_after(pattern: str, after: int = 1, using: str = "default"):
    """Inside the block, the database connection dies right after the `after`-th statement whose SQL contains
    `pattern` has run (so that statement's rows are written but not committed). Yields a ConnectionKill whose
    `killed_pid` says whether it happened. Statements sent through the raw driver cursor (COPY) don't count.

        with connection_lost_after("INSERT INTO reservists_reservist") as kill:
            with pytest.raises(DatabaseError):
                run_import(job.pk)
        assert kill.killed_pid
    """
    from django.db import connections

    state = ConnectionKill(pattern, after)

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if state.killed_pid is None and pattern in sql:
            state.seen += 1
            if state.seen >= after:
                state.killed_pid = terminate_backend(using)
        return result

    with connections[using].execute_wrapper(wrapper):
        yield state
