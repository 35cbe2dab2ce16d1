"""Two county officials try to read and edit each other's teams, members and shelters: 404, nothing changed."""

import pytest
from django.urls import reverse

from core.models import Region
from core.testing import api_client, logged_in

from ..models import Member, Shelter, Team
from .factories import make_member, make_shelter, make_team


@pytest.fixture
def theirs():
    team = make_team("TW-TPE", name="臺北市中正區民防分隊", leader="甲")
    return {"team": team, "member": make_member(team, name="乙"), "shelter": make_shelter("TW-TPE", name="北市避難所")}


def _snapshot(objs):
    return {
        "team": Team.objects.filter(pk=objs["team"].pk).values().get(),
        "member": Member.objects.filter(pk=objs["member"].pk).values().get(),
        "shelter": Shelter.objects.filter(pk=objs["shelter"].pk).values().get(),
        "members": Member.objects.count(),
    }


def test_api_edits_of_another_county_are_404_and_change_nothing(users, theirs):
    before = _snapshot(theirs)
    client = api_client(users.county_a)
    for path, obj in (("teams", "team"), ("members", "member"), ("shelters", "shelter")):
        url = f"/api/civil-defense/{path}/{theirs[obj].pk}/"
        assert client.get(url).status_code == 404
        assert client.patch(url, {"name": "hijacked"}, format="json").status_code == 404
        assert client.put(url, {"name": "hijacked"}, format="json").status_code == 404
        assert client.delete(url).status_code == 404
    # Adding a member to their team, or a team under their team, is refused as "does not exist".
    response = client.post(
        "/api/civil-defense/members/",
        {"team": theirs["team"].pk, "national_id": "A123456789", "name": "x"},
        format="json",
    )
    assert response.status_code == 400 and "team" in response.json()
    response = client.post(
        "/api/civil-defense/teams/", {"name": "x", "kind": "team", "parent": theirs["team"].pk, "county": "TW-NWT"}
    )
    assert response.status_code == 400
    response = client.post(
        "/api/civil-defense/shelters/", {"name": "x", "township": "100", "address": "a", "capacity": 5}
    )
    assert response.status_code == 400 and "township" in response.json()
    assert _snapshot(theirs) == before


def test_pages_of_another_county_are_404_and_posts_change_nothing(users, theirs):
    before = _snapshot(theirs)
    client = logged_in(users.county_a)
    posts = [
        reverse("civil_defense:team-update", args=[theirs["team"].pk]),
        reverse("civil_defense:member-add", args=[theirs["team"].pk]),
        reverse("civil_defense:position-add", args=[theirs["team"].pk]),
        reverse("civil_defense:roster-import", args=[theirs["team"].pk]),
        reverse("civil_defense:member-update", args=[theirs["member"].pk]),
        reverse("civil_defense:certificate-add", args=[theirs["member"].pk]),
        reverse("civil_defense:shelter-update", args=[theirs["shelter"].pk]),
        reverse("civil_defense:shelter-assign", args=[theirs["shelter"].pk]),
        reverse("civil_defense:shelter-detail", args=[theirs["shelter"].pk]),  # the "find a reservist" box
    ]
    for url in posts:
        response = client.post(
            url, {"name": "hijacked", "national_id": "A123456789", "position": "x", "capacity": 1, "kind": "team"}
        )
        assert response.status_code == 404, url
    assert _snapshot(theirs) == before


def test_lists_and_counts_never_show_another_county(users, theirs):
    mine = make_team("TW-NWT", name="新北市板橋區民防分隊")
    make_member(mine)
    client = logged_in(users.county_a)
    page = client.get(reverse("civil_defense:team-list")).content.decode()
    assert "新北市板橋區民防分隊" in page and "臺北市中正區民防分隊" not in page
    page = client.get(reverse("civil_defense:shelter-list")).content.decode()
    assert "北市避難所" not in page
    api = api_client(users.county_a)
    assert api.get("/api/civil-defense/teams/").json()["count"] == 1
    assert api.get("/api/civil-defense/members/").json()["count"] == 1
    assert api.get("/api/civil-defense/shelters/").json()["count"] == 0
    readiness = client.get(reverse("civil_defense:readiness")).content.decode()
    assert 'data-county="TW-NWT"' in readiness and 'data-county="TW-TPE"' not in readiness


def test_moving_a_team_to_another_county_is_refused(users):
    team = make_team("TW-NWT")
    response = api_client(users.county_a).patch(
        f"/api/civil-defense/teams/{team.pk}/", {"county": "TW-TPE", "township": None}, format="json"
    )
    assert response.status_code == 400
    team.refresh_from_db()
    assert team.county.code == "TW-NWT"


def test_township_clerk_sees_and_edits_only_own_township(users):
    county_team = make_team("TW-NWT", township=False, name="新北市民防總隊")
    own = make_team("TW-NWT", name="板橋分隊")
    other_township = make_team("TW-NWT", name="三重分隊")
    other_township.township = Region.objects.get(code="241")
    other_township.save()
    assert own.township.code == "220"
    client = api_client(users.township)
    ids = {row["id"] for row in client.get("/api/civil-defense/teams/").json()["results"]}
    assert ids == {own.pk}
    assert client.get(f"/api/civil-defense/teams/{county_team.pk}/").status_code == 404
    assert client.get(f"/api/civil-defense/teams/{other_township.pk}/").status_code == 404
    # The clerk creates a team in their own township (the county follows from it), not in another.
    response = client.post("/api/civil-defense/teams/", {"name": "板橋志工隊", "kind": "volunteer", "township": "220"})
    assert response.status_code == 201, response.content
    assert response.json()["township"] == "220"
    assert Team.objects.get(name="板橋志工隊").county.code == "TW-NWT"
    response = client.post("/api/civil-defense/teams/", {"name": "三重志工隊", "kind": "volunteer", "township": "241"})
    assert response.status_code == 400
    # ... nor a county-level team.
    response = client.post("/api/civil-defense/teams/", {"name": "總隊", "kind": "corps", "county": "TW-NWT"})
    assert response.status_code == 400
    assert not Team.objects.filter(name__in=["三重志工隊", "總隊"]).exists()


def test_county_official_sees_county_level_and_township_teams(users):
    corps = make_team("TW-NWT", township=False, kind="corps")
    squad = make_team("TW-NWT", parent=corps)
    ids = {row["id"] for row in api_client(users.county_a).get("/api/civil-defense/teams/").json()["results"]}
    assert ids == {corps.pk, squad.pk}
