"""Readiness figures match the records; training status; conflict flags; query counts of the lists."""

import datetime

from django.urls import reverse
from django.utils import timezone

from core.testing import api_client, logged_in

from ..metrics import county_readiness, totals
from ..services.shelters import assign_reservist
from ..training import status_for, thresholds
from .factories import (
    make_member,
    make_position,
    make_reservist,
    make_shelter,
    make_station,
    make_team,
    make_training,
)


def test_readiness_figures_match_the_records(users):
    today = timezone.localdate()
    corps = make_team(township=False, kind="corps")
    squad = make_team(parent=corps)
    make_position(corps, "隊長", 1)
    make_position(squad, "分隊員", 6)
    members = [make_member(squad) for _ in range(4)] + [make_member(corps)]
    make_training(squad, today - datetime.timedelta(days=10), members[:2])  # current
    make_training(squad, today - datetime.timedelta(days=400), members[2:3])  # lapsed
    make_training(squad, today + datetime.timedelta(days=10), members[3:4])  # future: not yet
    shelter = make_shelter(capacity=50)
    make_shelter(capacity=25)
    assign_reservist(user=users.county_a, shelter=shelter, reservist=make_reservist())
    make_station(kind="first_aid").teams.add(squad)
    # Another county's records never count for county A.
    other = make_team("TW-TPE")
    make_position(other, "x", 9)
    make_member(other)
    make_shelter("TW-TPE", capacity=1000)

    [row] = county_readiness(users.county_a, today=today)
    assert row.county_code == "TW-NWT"
    assert (row.teams, row.establishment, row.strength, row.trained) == (2, 7, 5, 2)
    assert (row.shelters, row.shelter_capacity, row.shelter_assigned) == (2, 75, 1)
    assert row.stations == {"first_aid": 1}
    assert row.trained_share == 2 / 5

    nation = {r.county_code: r for r in county_readiness(users.staff, today=today)}
    assert set(nation) == {"TW-NWT", "TW-TPE"}
    assert nation["TW-TPE"].establishment == 9 and nation["TW-TPE"].shelter_capacity == 1000
    assert totals(list(nation.values())).strength == 6
    # The township clerk sees only 板橋區's records (the county-level corps is not theirs).
    [township_row] = county_readiness(users.township, today=today)
    assert (township_row.teams, township_row.strength) == (1, 4)

    page = logged_in(users.county_a).get(reverse("civil_defense:readiness")).content.decode()
    assert "TW-TPE" not in page and 'data-county="TW-NWT"' in page


def test_readiness_is_set_based(users, django_assert_max_num_queries):
    for _ in range(5):
        team = make_team()
        make_member(team)
        make_shelter()
    with django_assert_max_num_queries(12):
        county_readiness(users.county_a)


def test_training_status_rule():
    today = datetime.date(2026, 6, 30)
    lapsed_before, due_before = thresholds(today)
    assert lapsed_before == datetime.date(2025, 6, 30)
    assert status_for(None, today) == "no_record"  # never trained is not lapsed (issue 18)
    assert status_for(today, today) == "current"
    assert status_for(due_before + datetime.timedelta(days=1), today) == "current"
    assert status_for(due_before, today) == "due"
    assert status_for(lapsed_before + datetime.timedelta(days=1), today) == "due"
    assert status_for(lapsed_before, today) == "lapsed"


def test_conflicts_are_flagged_on_both_sides(users):
    from ..services.conflicts import memberships_by_national_id

    first, second = make_team(), make_team()
    one = make_member(first)
    two = make_member(second, national_id=one.national_id)
    reservist = make_reservist()
    three = make_member(first, national_id=reservist.national_id)
    alone = make_member(first)
    page = logged_in(users.county_a).get(reverse("civil_defense:team-detail", args=[first.pk])).content.decode()
    assert page.count("也在其他隊的名冊") == 1 or page.count("Also on another team") == 1
    from ..models import Member

    flags = {m.pk: (m.in_other_team, m.reservist_flag) for m in Member.objects.with_flags()}
    assert flags[one.pk] == (True, "") and flags[two.pk] == (True, "")
    assert flags[three.pk] == (False, "reservist")
    assert flags[alone.pk] == (False, "")
    assert memberships_by_national_id([one.national_id, reservist.national_id]) == {
        one.national_id: 2,
        reservist.national_id: 1,
    }


def test_full_national_id_is_masked_unless_permitted_and_logged(users):
    from core.models import AuditEvent

    member = make_member(make_team())
    data = api_client(users.county_a).get(f"/api/civil-defense/members/{member.pk}/").json()
    assert data["national_id"] == member.masked_national_id != member.national_id
    page = logged_in(users.county_a).get(reverse("civil_defense:member-detail", args=[member.pk]) + "?show=id")
    assert member.national_id not in page.content.decode()
    assert not AuditEvent.objects.filter(action="view_pii").exists()


def test_api_team_fields(users):
    team = make_team()
    make_position(team, "分隊員", 3)
    make_member(team)
    row = api_client(users.county_a).get(f"/api/civil-defense/teams/{team.pk}/").json()
    assert {"id", "name", "kind", "parent", "township", "establishment", "strength"} <= set(row)
    assert (row["township"], row["establishment"], row["strength"]) == ("220", 3, 1)
    member = api_client(users.county_a).get("/api/civil-defense/members/").json()["results"][0]
    assert {"id", "team", "national_id", "name", "position"} <= set(member)
    shelter = make_shelter()
    row = api_client(users.county_a).get(f"/api/civil-defense/shelters/{shelter.pk}/").json()
    assert {"id", "name", "township", "address", "capacity", "latitude", "longitude", "assigned"} <= set(row)


def test_api_creates_member_with_validated_id(users):
    team = make_team()
    client = api_client(users.county_a)
    response = client.post(
        "/api/civil-defense/members/", {"team": team.pk, "national_id": "A123456788", "name": "甲"}, format="json"
    )
    assert response.status_code == 400 and "national_id" in response.json()
    response = client.post(
        "/api/civil-defense/members/", {"team": team.pk, "national_id": "a123456789", "name": "甲"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["national_id"] == "A12****789"


LISTS = [
    ("civil_defense:team-list", "/api/civil-defense/teams/"),
    ("civil_defense:shelter-list", "/api/civil-defense/shelters/"),
    ("civil_defense:station-list", "/api/civil-defense/stations/"),
    ("civil_defense:training-calendar", "/api/civil-defense/trainings/"),
    ("civil_defense:readiness", "/api/civil-defense/members/"),
]


def _many(n):
    today = timezone.localdate()
    parent = make_team(township=False, kind="corps")
    for _ in range(n):
        team = make_team(parent=parent)
        make_position(team)
        members = [make_member(team) for _ in range(2)]
        make_training(team, today, members)
        make_station().teams.add(team)
        make_shelter()


def test_list_query_counts_do_not_grow(users, django_assert_max_num_queries):
    _many(3)
    page_client, client = logged_in(users.county_a), api_client(users.county_a)
    counts = {}
    for page, api in LISTS:
        with django_assert_max_num_queries(20) as ctx:
            assert page_client.get(reverse(page)).status_code == 200
        with django_assert_max_num_queries(12) as actx:
            assert client.get(api).status_code == 200
        counts[page] = (len(ctx.captured_queries), len(actx.captured_queries))
    _many(6)
    for page, api in LISTS:
        with django_assert_max_num_queries(counts[page][0]):
            page_client.get(reverse(page))
        with django_assert_max_num_queries(counts[page][1]):
            client.get(api)


def test_team_detail_query_count_does_not_grow(users, django_assert_max_num_queries):
    team = make_team()
    for _ in range(3):
        make_member(team)
    client = logged_in(users.county_a)
    url = reverse("civil_defense:team-detail", args=[team.pk])
    with django_assert_max_num_queries(30) as ctx:
        client.get(url)
    for _ in range(10):
        make_member(team)
    with django_assert_max_num_queries(len(ctx.captured_queries)):
        client.get(url)


def test_reservist_on_an_approved_call_up_is_flagged_called_up(users):
    from mobilization.models import CallUpOrder, Candidate

    from ..models import Member
    from ..services.conflicts import call_up_querysets

    assert call_up_querysets(), "the mobilization app exposes its candidates"
    reservist = make_reservist()
    member = make_member(make_team(), national_id=reservist.national_id)
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="t",
        report_date=timezone.localdate() + datetime.timedelta(days=30),
        days=5,
        quota=1,
    )
    Candidate.objects.create(
        order=order, reservist=reservist, township=reservist.township, decision="eligible", rank=1, policy_version=1
    )
    assert Member.objects.with_flags().get(pk=member.pk).reservist_flag == "reservist"  # a draft binds nobody
    CallUpOrder.objects.filter(pk=order.pk).update(status="approved")
    assert Member.objects.with_flags().get(pk=member.pk).reservist_flag == "called_up"
    page = logged_in(users.county_a).get(reverse("civil_defense:member-detail", args=[member.pk]))
    assert "已列入召集" in page.content.decode()


def _called_up(member, today=None):
    from ..models import Member
    from ..services.conflicts import CALLED_UP, reservist_flag_expression

    flag = Member.objects.annotate(flag=reservist_flag_expression(today)).get(pk=member.pk).flag
    return flag == CALLED_UP


def _notice(order, reservist, **kw):
    from mobilization.models import Notice

    return Notice.objects.create(
        order=order,
        reservist=reservist,
        township=reservist.township,
        sequence=kw.pop("sequence", 1),
        number=f"N-{order.pk}-{reservist.pk}",
        report_date=kw.pop("report_date", order.report_date),
        report_time=datetime.time(8, 0),
        assembly_point="x",
        verification_code=f"V{order.pk}-{reservist.pk}",
        **kw,
    )


def test_a_notice_binds_only_until_the_service_period_ends(users):
    """Bug of issue 17: every notice ever issued flagged the member "assigned to a call-up" forever."""
    from mobilization.models import CallUpOrder

    reservist = make_reservist()
    member = make_member(make_team(), national_id=reservist.national_id)
    report = datetime.date(2026, 3, 2)
    order = CallUpOrder.objects.create(
        mobilization_type="educational", title="t", report_date=report, days=5, quota=1, status="issued"
    )
    _notice(order, reservist, status="delivered")
    # Bound from before the report day to the last day of service (report date + 5 days - 1) ...
    assert _called_up(member, today=report - datetime.timedelta(days=20))
    assert _called_up(member, today=report + datetime.timedelta(days=4))
    # ... and no more once the period has ended: back to "registered reservist".
    assert not _called_up(member, today=report + datetime.timedelta(days=5))
    # Today (December 2026 and later) the March call-up binds nobody: the page says so.
    page = logged_in(users.county_a).get(reverse("civil_defense:member-detail", args=[member.pk])).content.decode()
    assert "已列入召集" not in page and "列管後備軍人" in page


def test_the_flag_follows_the_order_and_notice_status(users):
    from mobilization.models import CallUpOrder, Notice

    reservist = make_reservist()
    member = make_member(make_team(), national_id=reservist.national_id)
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="t",
        report_date=timezone.localdate() + datetime.timedelta(days=10),
        days=5,
        quota=1,
        status="issued",
    )
    notice = _notice(order, reservist)
    assert _called_up(member)
    # An approved postponement moves the notice's report date: the period is counted from the new date.
    Notice.objects.filter(pk=notice.pk).update(report_date=timezone.localdate() - datetime.timedelta(days=7))
    assert not _called_up(member)
    Notice.objects.filter(pk=notice.pk).update(report_date=order.report_date, status="undeliverable")
    assert not _called_up(member), "an undeliverable notice is replaced by the next candidate"
    Notice.objects.filter(pk=notice.pk).update(status="acknowledged")
    assert _called_up(member)
    for status in ("closed", "cancelled"):
        CallUpOrder.objects.filter(pk=order.pk).update(status=status)
        assert not _called_up(member), status


def test_a_candidate_of_an_approved_order_is_freed_when_the_order_is_cancelled(users):
    from mobilization.models import CallUpOrder, Candidate

    reservist = make_reservist()
    member = make_member(make_team(), national_id=reservist.national_id)
    order = CallUpOrder.objects.create(
        mobilization_type="educational",
        title="t",
        report_date=timezone.localdate() + datetime.timedelta(days=10),
        days=5,
        quota=1,
        status="approved",
    )
    Candidate.objects.create(
        order=order, reservist=reservist, township=reservist.township, decision="eligible", rank=1, policy_version=1
    )
    url = reverse("civil_defense:member-detail", args=[member.pk])
    team_url = reverse("civil_defense:team-detail", args=[member.team_id])
    client = logged_in(users.county_a)
    assert "已列入召集" in client.get(url).content.decode()
    assert "已列入召集" in client.get(team_url).content.decode()
    CallUpOrder.objects.filter(pk=order.pk).update(status="cancelled")
    assert not _called_up(member)
    assert "已列入召集" not in client.get(url).content.decode()
    assert "已列入召集" not in client.get(team_url).content.decode()
