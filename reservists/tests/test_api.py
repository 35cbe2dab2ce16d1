import datetime

import pytest

from core.choices import AuditAction
from core.models import AuditEvent
from core.testing import ScopedAPIContract, api_client, county
from reservists.models import PriorityGrant, Reservist, ServiceRecord

from .factories import make_grant, make_reservist, make_service, national_id

pytestmark = pytest.mark.django_db

LIST = "/api/reservists/"


def payload(**fields):
    data = {
        "national_id": national_id("F"),
        "name": "陳大文",
        "birth_date": "1994-02-03",
        "category": "reservist",
        "branch": "navy",
        "rank": "下士",
        "specialty": "21A1",
        "retirement_date": "2018-07-01",
        "township": "220",
        "status": "active",
    }
    data.update(fields)
    return data


class TestReservistAPI(ScopedAPIContract):
    list_url = LIST

    def make_object(self, region):
        return make_reservist(region)

    def detail_url(self, obj):
        return f"{LIST}{obj.pk}/"


class TestReservistAPIForTownship(TestReservistAPI):
    allowed = "township"


def test_create_and_read_back_with_exact_fields(users):
    client = api_client(users.staff)
    data = payload()
    response = client.post(LIST, data, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    for key in ("id", "national_id", "name", "birth_date", "category", "branch", "rank", "specialty"):
        assert key in created
    assert created["township"] == "220" and created["retirement_date"] == "2018-07-01"
    read = client.get(f"{LIST}{created['id']}/").json()
    assert read["national_id"] == data["national_id"]  # staff may see full IDs ...
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW_PII, object_id=created["id"], username=users.staff.username
    ).exists()  # ... and every full view is logged


def test_masked_for_local_government_and_not_logged(users):
    reservist = make_reservist(county("TW-NWT"))
    data = api_client(users.county_a).get(f"{LIST}{reservist.pk}/").json()
    assert data["national_id"] == reservist.masked_national_id and "*" in data["national_id"]
    listed = api_client(users.county_a).get(LIST).json()["results"]
    assert all("****" in row["national_id"] for row in listed)
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_PII).exists()


@pytest.mark.parametrize("full_id", [True, False])
def test_reads_are_exactly_what_the_serializer_writes(users, full_id):
    """List and detail answer from values() rows (serializers.represent): the serializer's fields, in its order, in
    its formats, so the OpenAPI schema (the serializer's) describes them."""
    from rest_framework.test import APIRequestFactory

    from reservists.api.serializers import ReservistSerializer

    person = make_reservist(county("TW-NWT"), address="板橋區<b>1號</b>", email="a@example.tw", employer="台電")
    user = users.staff if full_id else users.county_a
    request = APIRequestFactory().get(LIST)
    request.user = user
    expected = ReservistSerializer(person, context={"request": request}).data
    client = api_client(user)
    detail = client.get(f"{LIST}{person.pk}/").json()
    listed = next(row for row in client.get(LIST).json()["results"] if row["id"] == person.pk)
    assert list(detail) == list(expected) and detail == expected and listed == expected
    assert (detail["national_id"] == person.national_id) is full_id


def test_full_ids_in_list_are_logged_per_person(users):
    people = [make_reservist(county("TW-NWT")) for _ in range(3)]
    rows = api_client(users.admin).get(LIST).json()["results"]
    assert {row["national_id"] for row in rows} >= {p.national_id for p in people}
    logged = set(AuditEvent.objects.filter(action=AuditAction.VIEW_PII).values_list("object_id", flat=True))
    assert logged >= {p.pk for p in people}


@pytest.mark.parametrize(
    "field,value,fragment",
    [
        ("national_id", "A12345678", "10"),
        ("national_id", "1123456789", "A-Z"),
        ("national_id", "A323456789", "1 or 2"),
        ("national_id", "A123456788", "check digit"),
        ("retirement_date", "1990-01-01", "after the birth date"),
        ("township", "999", ""),
        ("township", "TW-NWT", ""),
        ("branch", "space_force", ""),
        ("birth_date", "2999-01-01", "past"),
    ],
)
def test_invalid_input_is_400_with_field_error_and_changes_nothing(users, settings, field, value, fragment):
    settings.LANGUAGE_CODE = "en"
    client = api_client(users.staff)
    response = client.post(LIST, payload(**{field: value}), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    errors = response.json()
    assert field in errors
    assert fragment in " ".join(errors[field])
    assert not Reservist.objects.exists()


def test_duplicate_national_id_is_refused(users):
    existing = make_reservist(county("TW-NWT"))
    response = api_client(users.staff).post(LIST, payload(national_id=existing.national_id.lower()), format="json")
    assert response.status_code == 400 and "national_id" in response.json()
    assert Reservist.objects.count() == 1


def test_patch_and_scope(users):
    mine = make_reservist(county("TW-NWT"))
    theirs = make_reservist(county("TW-TPE"))
    staff = api_client(users.staff)
    response = staff.patch(f"{LIST}{mine.pk}/", {"rank": "中士", "township": "221"}, format="json")
    assert response.status_code == 200 and response.json()["township"] == "221"
    mine.refresh_from_db()
    assert mine.rank == "中士"
    # local government may only read; another county's reservist is 404 for them
    county_a = api_client(users.county_a)
    assert county_a.patch(f"{LIST}{mine.pk}/", {"rank": "上士"}, format="json").status_code == 403
    assert county_a.get(f"{LIST}{theirs.pk}/").status_code == 404
    assert county_a.get(f"{LIST}{theirs.pk}/service-records/").status_code == 404
    assert county_a.get(f"{LIST}{theirs.pk}/priority-grants/").status_code == 404


def test_patch_bad_dates_changes_nothing(users):
    reservist = make_reservist(county("TW-NWT"))
    response = api_client(users.staff).patch(f"{LIST}{reservist.pk}/", {"retirement_date": "1980-01-01"}, format="json")
    assert response.status_code == 400 and "retirement_date" in response.json()
    reservist.refresh_from_db()
    assert reservist.retirement_date == datetime.date(2019, 6, 30)


def test_list_filters(users):
    a = make_reservist(county("TW-NWT"), branch="navy", name="林一")
    b = make_reservist(county("TW-TPE"), branch="army", name="張二", retirement_date=datetime.date(2010, 1, 1))
    make_grant(a)
    client = api_client(users.staff)

    def ids(query):
        response = client.get(LIST + query)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids("?county=TW-NWT") == {a.pk}
    assert ids("?township=220") == {a.pk}
    assert ids("?branch=army") == {b.pk}
    assert ids("?has_grant=true") == {a.pk}
    assert ids("?has_grant=false") == {b.pk}
    assert ids("?retired_years_min=10") == {b.pk}
    assert ids("?retired_years_max=10") == {a.pk}
    assert ids(f"?q={a.national_id}") == {a.pk}
    assert ids("?q=張") == {b.pk}
    assert ids("?status=active&category=reservist") == {a.pk, b.pk}


def test_township_filter_follows_each_requests_scope(users):
    """The filter's form class is shared by the process; the township it accepts is the requesting user's."""
    mine = make_reservist(county("TW-NWT"))
    theirs = make_reservist(county("TW-TPE"))
    staff, local = api_client(users.staff), api_client(users.county_a)
    for _ in range(2):  # alternating users: nothing of the previous request's scope stays
        assert local.get(f"{LIST}?township={theirs.township.code}").status_code == 400
        assert [r["id"] for r in staff.get(f"{LIST}?township={theirs.township.code}").json()["results"]] == [theirs.pk]
        assert [r["id"] for r in local.get(f"{LIST}?township={mine.township.code}").json()["results"]] == [mine.pk]
        assert local.get(f"{LIST}?township=999").status_code == 400


def test_keyset_pagination_has_no_count(users):
    for _ in range(3):
        make_reservist(county("TW-NWT"))
    data = api_client(users.staff).get(LIST + "?page_size=2").json()
    assert "count" not in data and data["next"] and len(data["results"]) == 2
    second = api_client(users.staff).get(data["next"]).json()
    assert len(second["results"]) == 1


def test_list_query_count_is_constant(users, django_assert_max_num_queries):
    for _ in range(30):
        make_reservist(county("TW-NWT"))
    client = api_client(users.staff)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200


def test_township_office_cannot_create_and_county_only_in_its_county(users):
    assert api_client(users.township).post(LIST, payload(), format="json").status_code == 403
    assert not Reservist.objects.exists()


def test_service_records_nested(users):
    reservist = make_reservist(county("TW-NWT"))
    make_service(reservist)
    client = api_client(users.staff)
    url = f"{LIST}{reservist.pk}/service-records/"
    response = client.post(url, {"mobilization_type": "roll_call", "start_date": "2024-05-01", "days": 1})
    assert response.status_code == 201, response.json()
    rows = client.get(url).json()
    assert {r["mobilization_type"] for r in rows} == {"educational", "roll_call"}
    bad = client.post(url, {"mobilization_type": "picnic", "start_date": "2024-05-01", "days": 0})
    assert bad.status_code == 400 and {"mobilization_type", "days"} <= set(bad.json())
    assert ServiceRecord.objects.count() == 2
    # readers may read but not add
    county_a = api_client(users.county_a)
    assert county_a.get(url).status_code == 200
    assert county_a.post(url, {"mobilization_type": "duty", "start_date": "2024-05-01", "days": 2}).status_code == 403
    assert ServiceRecord.objects.count() == 2


def test_priority_grants_nested_and_basis_must_match_kind(users):
    reservist = make_reservist(county("TW-NWT"))
    client = api_client(users.staff)
    url = f"{LIST}{reservist.pk}/priority-grants/"
    ok = client.post(
        url, {"kind": "later", "basis": "art30.2", "valid_from": "2025-09-01", "valid_until": "2026-06-30"}
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["approved_by_name"] == users.staff.username
    mismatch = client.post(url, {"kind": "successive", "basis": "art30.1", "valid_from": "2025-01-01"})
    assert mismatch.status_code == 400 and "basis" in mismatch.json()
    backwards = client.post(
        url, {"kind": "later", "basis": "art30.1", "valid_from": "2025-01-01", "valid_until": "2024-01-01"}
    )
    assert backwards.status_code == 400 and "valid_until" in backwards.json()
    assert PriorityGrant.objects.count() == 1
    assert [g["basis"] for g in client.get(url).json()] == ["art30.2"]


def test_schema_has_the_endpoints(users):
    schema = api_client(users.staff).get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert "/api/reservists/" in paths
    assert "/api/reservists/{id}/service-records/" in paths
    assert "/api/reservists/{id}/priority-grants/" in paths


def test_regional_staff_creates_only_in_their_county(users):
    from core.accounts import provision_user

    regional = provision_user("t_staff_nwt", "mnd_staff", regions=["TW-NWT"], password=None)
    client = api_client(regional)
    outside = client.post(LIST, payload(township="100"), format="json")  # 臺北市中正區
    assert outside.status_code == 400 and "township" in outside.json()
    assert not Reservist.objects.exists()
    inside = client.post(LIST, payload(township="221"), format="json")
    assert inside.status_code == 201
    # moving someone out of the county by PATCH is refused as well
    pk = inside.json()["id"]
    assert client.patch(f"{LIST}{pk}/", {"township": "100"}, format="json").status_code == 400
    assert Reservist.objects.get(pk=pk).township.code == "221"
