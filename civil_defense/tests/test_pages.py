"""Page workflows: creating teams (county and township officials), quick member add, stations, attendance,
the dashboard panel and the demo data."""

import datetime

from django.urls import reverse

from core.models import Region
from core.testing import logged_in

from ..models import Member, Station, Team, TeamPosition, TrainingAttendance
from .factories import make_member, make_team, make_training, national_id


def test_township_clerk_creates_a_team_from_the_township_alone(users):
    client = logged_in(users.township)
    township = Region.objects.get(code="220")
    response = client.post(
        reverse("civil_defense:team-create"), {"name": "板橋志工隊", "kind": "volunteer", "township": township.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    team = Team.objects.get(name="板橋志工隊")
    assert team.county.code == "TW-NWT" and team.region == township
    # Another township of the same county is not offered, and a forged choice is refused.
    other = Region.objects.get(code="241")
    response = client.post(
        reverse("civil_defense:team-create"), {"name": "三重志工隊", "kind": "volunteer", "township": other.pk}
    )
    assert response.status_code == 200 and not Team.objects.filter(name="三重志工隊").exists()


def test_county_official_creates_a_county_level_corps_and_a_sub_team(users):
    client = logged_in(users.county_a)
    county = Region.objects.get(code="TW-NWT")
    client.post(reverse("civil_defense:team-create"), {"name": "新北市民防總隊", "kind": "corps", "county": county.pk})
    corps = Team.objects.get(name="新北市民防總隊")
    assert corps.township is None and corps.region == county
    page = client.get(reverse("civil_defense:team-create") + f"?parent={corps.pk}")
    assert page.status_code == 200
    response = client.post(
        reverse("civil_defense:team-create"),
        {"name": "板橋大隊", "kind": "brigade", "parent": corps.pk, "township": Region.objects.get(code="220").pk},
    )
    assert response.status_code == 302
    tree = client.get(reverse("civil_defense:team-list")).content.decode()
    assert tree.index("新北市民防總隊") < tree.index("板橋大隊")
    # A team cannot be put under its own sub-team.
    brigade = Team.objects.get(name="板橋大隊")
    response = client.post(
        reverse("civil_defense:team-update", args=[corps.pk]),
        {"name": corps.name, "kind": "corps", "county": county.pk, "parent": brigade.pk},
    )
    assert response.status_code == 200
    corps.refresh_from_db()
    assert corps.parent is None


def test_quick_add_member_and_its_errors(users):
    team = make_team()
    client = logged_in(users.county_a)
    url = reverse("civil_defense:member-add", args=[team.pk])
    nid = national_id()
    response = client.post(
        url, {"member-national_id": nid.lower(), "member-name": "王小明", "member-availability": "available"}
    )
    assert response.status_code == 302
    assert Member.objects.get(team=team).national_id == nid
    response = client.post(url, {"member-national_id": nid, "member-name": "重複", "member-availability": "available"})
    assert response.status_code == 400 and "此人已在本隊名冊上" in response.content.decode()
    response = client.post(
        url, {"member-national_id": "A12345", "member-name": "x", "member-availability": "available"}
    )
    assert response.status_code == 400
    assert Member.objects.filter(team=team).count() == 1


def test_establishment_by_position(users):
    team = make_team()
    make_member(team, position="分隊員")
    client = logged_in(users.county_a)
    url = reverse("civil_defense:position-add", args=[team.pk])
    client.post(url, {"establishment-position": "分隊員", "establishment-authorised": 4})
    client.post(url, {"establishment-position": "分隊員", "establishment-authorised": 6})  # updates, not duplicates
    assert list(TeamPosition.objects.filter(team=team).values_list("authorised", flat=True)) == [6]
    page = client.get(reverse("civil_defense:team-detail", args=[team.pk])).content.decode()
    assert "1 / 6" in page


def test_station_with_staffing_team_of_the_same_county(users):
    team = make_team()
    other = make_team("TW-TPE")
    client = logged_in(users.county_a)
    data = {"kind": "first_aid", "name": "板橋急救站", "township": team.township.pk, "address": "x", "capacity": 50}
    response = client.post(reverse("civil_defense:station-create"), {**data, "teams": [other.pk]})
    assert response.status_code == 200 and not Station.objects.exists()  # another county's team isn't a choice
    response = client.post(reverse("civil_defense:station-create"), {**data, "teams": [team.pk]})
    assert response.status_code == 302
    assert list(Station.objects.get().teams.all()) == [team]
    assert "板橋急救站" in client.get(reverse("civil_defense:station-list")).content.decode()


def test_training_attendance_and_calendar(users):
    team = make_team()
    members = [make_member(team) for _ in range(3)]
    session = make_training(team, datetime.date(2026, 5, 12), subject="CPR 訓練")
    client = logged_in(users.county_a)
    response = client.post(
        reverse("civil_defense:training-detail", args=[session.pk]), {"members": [members[0].pk, members[1].pk]}
    )
    assert response.status_code == 302
    assert TrainingAttendance.objects.filter(session=session).count() == 2
    client.post(reverse("civil_defense:training-detail", args=[session.pk]), {"members": [members[1].pk]})
    assert list(TrainingAttendance.objects.filter(session=session).values_list("member_id", flat=True)) == [
        members[1].pk
    ]
    calendar = client.get(reverse("civil_defense:training-calendar") + "?month=2026-05").content.decode()
    assert "CPR 訓練" in calendar
    assert "CPR 訓練" not in client.get(reverse("civil_defense:training-calendar") + "?month=2026-06").content.decode()


def test_dashboard_panel(users):
    make_member(make_team())
    page = logged_in(users.county_a).get(reverse("dashboard")).content.decode()
    assert "民防" in page and "現員／編制" in page


def test_demo_is_idempotent(users):
    from io import StringIO
    from types import SimpleNamespace

    from .. import demo

    command = SimpleNamespace(stdout=StringIO())
    demo.seed(command, {})
    counts = (Team.objects.count(), Member.objects.count(), Station.objects.count())
    assert counts[0] > 10 and counts[1] > 50 and counts[2] > 5
    assert Team.objects.filter(county__code="TW-NWT").exists() and Team.objects.filter(county__code="TW-TPE").exists()
    demo.seed(command, {})
    assert (Team.objects.count(), Member.objects.count(), Station.objects.count()) == counts


def test_full_national_id_with_permission_is_shown_and_logged(users):
    from django.contrib.auth.models import Permission

    from core.models import AuditEvent

    member = make_member(make_team())
    users.county_a.user_permissions.add(Permission.objects.get(codename="view_full_national_id"))
    client = logged_in(users.county_a)
    url = reverse("civil_defense:member-detail", args=[member.pk])
    assert member.national_id not in client.get(url).content.decode()
    assert not AuditEvent.objects.filter(action="view_pii").exists()
    assert member.national_id in client.get(url + "?show=id").content.decode()
    event = AuditEvent.objects.get(action="view_pii")
    assert (event.table_name, event.object_id, event.username) == ("civil_defense_member", member.pk, "t_county_a")


def test_auditor_reads_but_cannot_edit(users):
    team = make_team()
    client = logged_in(users.auditor)
    assert client.get(reverse("civil_defense:team-detail", args=[team.pk])).status_code == 200
    response = client.post(reverse("civil_defense:team-update", args=[team.pk]), {"name": "x", "kind": "team"})
    assert response.status_code == 403
    response = client.post(reverse("civil_defense:member-add", args=[team.pk]), {"member-name": "x"})
    assert response.status_code == 403
    team.refresh_from_db()
    assert team.name != "x" and not Member.objects.exists()
