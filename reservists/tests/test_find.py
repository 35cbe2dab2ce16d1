"""Finding a person the way clerks search (issue 18): any part of a name, the ID as shown masked, its last digits,
a birth date in either calendar; how many matched; the API refuses parameters it does not understand."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.choices import AuditAction
from core.counting import match_count
from core.models import AuditEvent
from core.testing import api_client, county, logged_in
from reservists.models import Reservist

from .factories import make_reservist

pytestmark = pytest.mark.django_db

LIST = "/api/reservists/"


@pytest.fixture
def people():
    ntpc = county("TW-NWT")
    return {
        "wang": make_reservist(ntpc, name="王小明", birth_date=datetime.date(1990, 5, 31)),
        "ouyang": make_reservist(ntpc, name="歐陽小明", birth_date=datetime.date(1991, 6, 1)),
        "chen": make_reservist(ntpc, name="陳大文", birth_date=datetime.date(1992, 7, 2)),
        "lin": make_reservist(ntpc, name="林志明", birth_date=datetime.date(1993, 8, 3)),
        "taipei": make_reservist(county("TW-TPE"), name="張小明", birth_date=datetime.date(1990, 5, 31)),
    }


def found(user, text) -> set[int]:
    response = api_client(user).get(LIST, {"q": text})
    assert response.status_code == 200, response.json()
    return {row["id"] for row in response.json()["results"]}


def test_the_given_name_alone_finds_the_person(users, people):
    assert found(users.county_a, "小明") == {people["wang"].pk, people["ouyang"].pk}  # not 張小明 of 臺北市
    assert found(users.staff, "小明") == {people["wang"].pk, people["ouyang"].pk, people["taipei"].pk}


def test_any_part_of_a_name_finds_the_person(users, people):
    assert found(users.county_a, "陽小明") == {people["ouyang"].pk}
    assert found(users.county_a, "王小明") == {people["wang"].pk}
    assert found(users.county_a, "陳大") == {people["chen"].pk}  # the start of the name
    assert found(users.county_a, "王") == {people["wang"].pk}  # the family name
    assert found(users.county_a, "志明") == {people["lin"].pk}


def test_the_id_as_shown_in_the_list_and_its_last_digits(users, people):
    wang = people["wang"]
    shown = wang.masked_national_id
    assert "*" in shown and shown[:3] == wang.national_id[:3]
    assert wang.pk in found(users.county_a, shown)
    assert found(users.county_a, shown) <= {p.pk for p in people.values()}
    assert wang.pk in found(users.county_a, wang.national_id[-3:])
    assert wang.pk in found(users.county_a, "***" + wang.national_id[-3:])


def test_a_birth_date_in_either_calendar(users, people):
    wang = people["wang"]
    for typed in ("79/05/31", "079/5/31", "民國79年5月31日", "1990-05-31", "1990/5/31"):
        assert found(users.county_a, typed) == {wang.pk}, typed
    assert found(users.staff, "79/05/31") == {wang.pk, people["taipei"].pk}


def test_the_list_page_finds_by_given_name_and_says_how_many(users, people):
    client = logged_in(users.county_a)
    response = client.post(reverse("reservists:list"), {"q": "小明"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert "王小明" in page and "歐陽小明" in page and "陳大文" not in page and "張小明" not in page
    assert response.context["matched"].value == 2 and response.context["matched"].exact
    assert 'id="match-count"' in page and "共 2 位後備軍人符合" in page
    # the search text never lands in the URL (a search token does)
    assert "小明" not in response.redirect_chain[-1][0]


def test_the_unfiltered_list_counts_the_users_area(users, people):
    response = logged_in(users.county_a).get(reverse("reservists:list"))
    assert response.context["matched"].value == 4 and response.context["matched"].exact


def test_past_the_threshold_the_count_is_an_estimate_read_from_the_planner(people):
    queryset = Reservist.objects.all()
    with CaptureQueriesContext(connection) as queries:
        counted = match_count(queryset, exact_below=2)
    assert not counted.exact and counted.value >= 3
    assert any(q["sql"].startswith("EXPLAIN") for q in queries.captured_queries)
    # the exact part never reads more than the threshold and one row
    assert "LIMIT 3" in queries.captured_queries[0]["sql"]
    assert match_count(queryset, exact_below=10) == type(counted)(5, True)


def test_the_page_shows_an_estimate_past_the_threshold(users, people, monkeypatch):
    from reservists.views import registry

    monkeypatch.setattr(registry, "match_count", lambda qs: match_count(qs, exact_below=2))
    page = logged_in(users.staff).get(reverse("reservists:list")).content.decode()
    assert "約" in page and "估計值" in page


def test_api_refuses_an_unknown_parameter_naming_it(users, people):
    response = api_client(users.staff).get(LIST, {"nationalid": "x"})
    assert response.status_code == 400 and "nationalid" in response.json()
    response = api_client(users.staff).get(LIST, {"national_id": people["wang"].national_id, "colour": "red"})
    assert response.status_code == 400 and list(response.json()) == ["colour"]
    assert api_client(users.staff).get(f"{LIST}{people['wang'].pk}/", {"q": "x"}).status_code == 400
    assert api_client(users.staff).get(LIST, {"page_size": 2}).status_code == 200


def test_national_id_is_an_exact_scoped_filter_and_its_use_is_logged(users, people):
    wang, taipei = people["wang"], people["taipei"]
    staff = api_client(users.staff)
    rows = staff.get(LIST, {"national_id": wang.national_id.lower()}).json()["results"]
    assert [row["id"] for row in rows] == [wang.pk]
    assert staff.get(LIST, {"national_id": wang.national_id[:-1]}).status_code == 400  # never a prefix
    assert AuditEvent.objects.filter(action=AuditAction.VIEW_PII, username=users.staff.username).exists()
    # out of the user's county: nothing, as for an ID that does not exist
    local = api_client(users.county_a)
    assert local.get(LIST, {"national_id": taipei.national_id}).json()["results"] == []
    assert [r["id"] for r in local.get(LIST, {"national_id": wang.national_id}).json()["results"]] == [wang.pk]


def test_the_list_offers_assign_to_a_shelter_to_a_county_official(users, people):
    page = logged_in(users.county_a).get(reverse("reservists:list")).content.decode()
    assert reverse("civil_defense:reservist-shelter", args=[people["wang"].pk]) in page
    page = logged_in(users.staff).get(reverse("reservists:list")).content.decode()
    assert "/shelter/" not in page  # the MND staff assign no shelters (the civil defense does)


def test_the_reservist_page_offers_assign_to_a_shelter(users, people):
    url = reverse("reservists:detail", args=[people["wang"].pk])
    page = logged_in(users.county_a).get(url).content.decode()
    assert reverse("civil_defense:reservist-shelter", args=[people["wang"].pk]) in page
