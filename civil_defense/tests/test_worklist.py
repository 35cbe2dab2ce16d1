"""The county official's civil-defense worklist: each figure counts exactly the rows of the list it links to, a
member never trained is not "lapsed", and another county's rows are not counted."""

import datetime

import pytest

from civil_defense.dashboard import worklist_panel
from civil_defense.services.shelters import assign_reservist, request_release
from civil_defense.worklist import release_requests_waiting, teams_with_lapsed_training
from core.testing import logged_in

from .factories import make_member, make_reservist, make_shelter, make_team, make_training

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date.today() - datetime.timedelta(days=800)


def figure(user, label_part):
    panel = worklist_panel(user)
    return next(f for f in panel.figures if label_part in str(f.label))


def test_rosters_with_lapsed_training_count_and_list_the_same_teams(users):
    lapsed_team, current_team, untrained_team = make_team(), make_team(), make_team()
    make_training(lapsed_team, date=LONG_AGO, members=[make_member(lapsed_team)])
    make_training(current_team, members=[make_member(current_team)])
    make_member(untrained_team)  # no record: not lapsed
    other = make_team(county="TW-TPE")
    make_training(other, date=LONG_AGO, members=[make_member(other)])

    assert set(teams_with_lapsed_training(users.county_a)) == {lapsed_team}
    shown = figure(users.county_a, "訓練逾期")
    assert shown.value == "1" and shown.url.endswith("?training=lapsed")
    page = logged_in(users.county_a).get(shown.url).content.decode()
    assert lapsed_team.name in page and current_team.name not in page and untrained_team.name not in page
    assert other.name not in page


def test_release_requests_waiting_link_to_the_shelters_that_have_them(users):
    waiting, quiet = make_shelter(), make_shelter()
    assignment = assign_reservist(user=users.county_a, shelter=waiting, reservist=make_reservist())
    assign_reservist(user=users.county_a, shelter=quiet, reservist=make_reservist())
    request_release(user=users.county_a, assignment=assignment, reason="搬遷")

    assert release_requests_waiting(users.county_a).count() == 1
    assert release_requests_waiting(users.county_b).count() == 0
    shown = figure(users.county_a, "解除申請")
    assert shown.value == "1" and shown.url.endswith("?release=pending")
    page = logged_in(users.county_a).get(shown.url).content.decode()
    assert waiting.name in page and quiet.name not in page
