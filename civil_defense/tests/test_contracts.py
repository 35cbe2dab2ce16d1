"""Every page and endpoint: anonymous, no permission (403), another county (404), allowed."""

from django.urls import reverse

from core.testing import ScopedAPIContract, ScopedViewContract, api_client, county

from .factories import make_member, make_shelter, make_station, make_team, make_training


class TestTeamDetailPage(ScopedViewContract):
    def make_object(self, county):
        return make_team(county)

    def url(self, obj):
        return reverse("civil_defense:team-detail", args=[obj.pk])


class TestTeamEditPage(TestTeamDetailPage):
    def url(self, obj):
        return reverse("civil_defense:team-update", args=[obj.pk])


class TestTeamImportPage(TestTeamDetailPage):
    def url(self, obj):
        return reverse("civil_defense:roster-import", args=[obj.pk])


class TestCountyLevelTeamPage(TestTeamDetailPage):
    def make_object(self, county):
        return make_team(county, township=False)


class TestMemberPage(ScopedViewContract):
    def make_object(self, county):
        return make_member(make_team(county))

    def url(self, obj):
        return reverse("civil_defense:member-detail", args=[obj.pk])


class TestMemberEditPage(TestMemberPage):
    def url(self, obj):
        return reverse("civil_defense:member-update", args=[obj.pk])


class TestShelterPage(ScopedViewContract):
    def make_object(self, county):
        return make_shelter(county)

    def url(self, obj):
        return reverse("civil_defense:shelter-detail", args=[obj.pk])


class TestShelterEditPage(TestShelterPage):
    def url(self, obj):
        return reverse("civil_defense:shelter-update", args=[obj.pk])


class TestStationEditPage(ScopedViewContract):
    def make_object(self, county):
        return make_station(county)

    def url(self, obj):
        return reverse("civil_defense:station-update", args=[obj.pk])


class TestTrainingPage(ScopedViewContract):
    def make_object(self, county):
        return make_training(make_team(county))

    def url(self, obj):
        return reverse("civil_defense:training-detail", args=[obj.pk])


class TestTeamAPI(ScopedAPIContract):
    list_url = "/api/civil-defense/teams/"

    def make_object(self, county):
        return make_team(county)

    def detail_url(self, obj):
        return f"/api/civil-defense/teams/{obj.pk}/"


class TestMemberAPI(ScopedAPIContract):
    list_url = "/api/civil-defense/members/"

    def make_object(self, county):
        return make_member(make_team(county))

    def detail_url(self, obj):
        return f"/api/civil-defense/members/{obj.pk}/"


class TestShelterAPI(ScopedAPIContract):
    list_url = "/api/civil-defense/shelters/"

    def make_object(self, county):
        return make_shelter(county)

    def detail_url(self, obj):
        return f"/api/civil-defense/shelters/{obj.pk}/"


class TestStationAPI(ScopedAPIContract):
    list_url = "/api/civil-defense/stations/"

    def make_object(self, county):
        return make_station(county)

    def detail_url(self, obj):
        return f"/api/civil-defense/stations/{obj.pk}/"


class TestTrainingAPI(ScopedAPIContract):
    list_url = "/api/civil-defense/trainings/"

    def make_object(self, county):
        return make_training(make_team(county))

    def detail_url(self, obj):
        return f"/api/civil-defense/trainings/{obj.pk}/"


class TestShelterAssignmentsAPI(ScopedAPIContract):
    def make_object(self, county):
        shelter = make_shelter(county)
        self.list_url = f"/api/civil-defense/shelters/{shelter.pk}/assignments/"
        return shelter

    def detail_url(self, obj):
        return f"/api/civil-defense/shelters/{obj.pk}/assignments/"

    def test_out_of_scope_is_not_found_nor_listed(self, users):
        theirs = self.make_object(county(self.out_of_scope_county))
        assert api_client(users.county_a).get(self.detail_url(theirs)).status_code == 404

    def test_allowed(self, users):
        obj = self.make_object(county(self.in_scope_county))
        response = api_client(users.county_a).get(self.detail_url(obj))
        assert response.status_code == 200
        assert response.json()["count"] == 0


LIST_PAGES = [
    "civil_defense:team-list",
    "civil_defense:shelter-list",
    "civil_defense:station-list",
    "civil_defense:training-calendar",
    "civil_defense:readiness",
    "civil_defense:team-create",
    "civil_defense:shelter-create",
    "civil_defense:station-create",
    "civil_defense:training-create",
]


def test_list_pages_open_for_county_official_and_refuse_others(users):
    from django.test import Client

    from core.testing import logged_in

    for name in LIST_PAGES:
        url = reverse(name)
        assert logged_in(users.county_a).get(url).status_code == 200, name
        assert logged_in(users.township).get(url).status_code == 200, name
        assert logged_in(users.nobody).get(url).status_code == 403, name
        assert Client().get(url).status_code == 302, name
