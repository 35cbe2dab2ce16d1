"""A drill names a materiel requisition order as a participant; its evaluation records, per requisition notice, the
planned handover time against the one recorded at the handover point; the last drill's handover rate feeds the
dashboard and the readiness report's materiel section. Scoped like every exercise record (404 across counties)."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.testing import COUNTY_A, COUNTY_B, api_client, county, logged_in
from materiel import services as materiel_services
from materiel.models import RequisitionNotice
from materiel.tests.factories import make_requirement, make_resource

from .. import metrics
from ..choices import ExerciseStatus
from ..models import HandoverTime, Participant
from .factories import make_exercise

pytestmark = pytest.mark.django_db


def _order(users, *, quantity=3, purpose="drill", issue=True):
    a = county(COUNTY_A)
    for i in range(quantity):
        make_resource(a, lat=f"{25.0 + i / 100:.5f}")
    requirement = make_requirement(a, quantity=quantity, lat="25.00000", lng="121.46000")
    materiel_services.REQUIREMENT_ACTIONS["match"].execute(users.staff, requirement)
    materiel_services.REQUIREMENT_ACTIONS["confirm"].execute(users.staff, requirement)
    order = materiel_services.draft_requisition(
        user=users.staff, requirement=requirement, title="演習徵用", kind="use", purpose=purpose
    )
    materiel_services.REQUISITION_ACTIONS["submit"].execute(users.staff, order)
    materiel_services.REQUISITION_ACTIONS["approve"].execute(users.approver, order)
    if issue:
        materiel_services.REQUISITION_ACTIONS["issue"].execute(users.staff, order)
    order.refresh_from_db()
    return order


def _hand_over(users, order):
    """One notice handed over 10 minutes early, one 45 minutes late, one not at all (through the API)."""
    notices = list(RequisitionNotice.objects.filter(requisition=order).order_by("id"))
    client = api_client(users.county_a)
    for notice in notices[:2]:
        response = client.post(f"/api/materiel/requisition-notices/{notice.pk}/handover/", {"condition": "good"})
        assert response.status_code == 200, response.json()
    early, late = notices[0], notices[1]
    RequisitionNotice.objects.filter(pk=early.pk).update(
        handed_over_at=early.handover_at - datetime.timedelta(minutes=10)
    )
    RequisitionNotice.objects.filter(pk=late.pk).update(
        handed_over_at=late.handover_at + datetime.timedelta(minutes=45)
    )
    return notices


def test_a_drill_names_its_requisition_order_and_records_its_handover_times(users):
    order = _order(users)
    notices = _hand_over(users, order)
    exercise = make_exercise(COUNTY_A, status=ExerciseStatus.IN_PROGRESS)
    client = api_client(users.county_a)

    added = client.post(
        f"/api/exercises/{exercise.pk}/participants/",
        {"kind": "requisition", "requisition": order.pk, "role": "support"},
        format="json",
    )
    assert added.status_code == 201, added.json()
    participant = Participant.objects.get(pk=added.json()["id"])
    assert participant.requisition == order and participant.target == order

    recorded = client.post(f"/api/exercises/{exercise.pk}/participants/{participant.pk}/record-handovers/")
    assert recorded.status_code == 200, recorded.json()
    rows = {row["notice_number"]: row for row in recorded.json()}
    assert set(rows) == {n.number for n in notices}
    early, late, missing = (rows[n.number] for n in notices)
    assert (early["on_time"], early["delay_minutes"]) == (True, -10)
    assert (late["on_time"], late["delay_minutes"]) == (False, 45)
    assert (missing["on_time"], missing["handed_over_at"], missing["notice_status"]) == (False, None, "issued")
    assert early["planned_at"] and early["requisition"] == order.number

    event = AuditEvent.objects.get(event="exercises.handover_times.recorded", object_id=exercise.pk)
    assert event.after["requisition"] == order.number
    assert (event.after["due"], event.after["handed_over"], event.after["on_time"]) == (3, 2, 1)
    assert event.user_id == users.county_a.pk

    # The third is handed over later: recording again refreshes the rows, never duplicates them.
    client.post(f"/api/materiel/requisition-notices/{notices[2].pk}/handover/", {"condition": "fair"})
    again = client.post(f"/api/exercises/{exercise.pk}/participants/{participant.pk}/record-handovers/").json()
    assert HandoverTime.objects.filter(participant=participant).count() == 3
    assert {row["notice_number"]: row["handed_over_at"] is not None for row in again} == {
        n.number: True for n in notices
    }

    listed = client.get(f"/api/exercises/{exercise.pk}/handover-times/")
    assert listed.status_code == 200 and len(listed.json()) == 3


def test_handover_rate_of_the_last_drill_feeds_dashboard_and_report(users):
    from reports.scope import ReportScope
    from reports.sections import materiel as report_section

    order = _order(users)
    _hand_over(users, order)
    older = make_exercise(
        COUNTY_A,
        status=ExerciseStatus.EVALUATING,
        name="舊演習",
        end_date=datetime.date(2026, 1, 2),
        start_date=datetime.date(2026, 1, 1),
    )
    exercise = make_exercise(COUNTY_A, status=ExerciseStatus.EVALUATING, name="漢光演習")
    for drill in (older, exercise):
        participant = Participant.objects.create(exercise=drill, kind="requisition", requisition=order)
        api_client(users.county_a).post(f"/api/exercises/{drill.pk}/participants/{participant.pk}/record-handovers/")

    figure = metrics.last_drill_handover(users.county_a)
    assert (figure["exercise"], figure["due"], figure["handed_over"], figure["on_time"], figure["rate"]) == (
        "漢光演習",
        3,
        2,
        1,
        67,
    )
    assert metrics.last_drill_handover(users.county_b)["exercise"] is None

    home = logged_in(users.county_a).get("/").content.decode()
    assert "67% (2/3)" in home and reverse("exercises:detail", args=[exercise.pk]) + "#handovers" in home

    nation = report_section.gather(ReportScope.parse("nation"), datetime.date.today())
    assert nation["drill"] == {"exercise": "漢光演習", "due": 3, "handed_over": 2, "on_time": 1}
    handover = report_section.indicators(nation)[1]
    assert handover.display.startswith("66.7%") and handover.status == "bad"
    assert report_section.gather(ReportScope.parse(COUNTY_B), datetime.date.today())["drill"]["exercise"] is None


def test_refusals_and_scope(users):
    war = _order(users, quantity=1, purpose="war")
    draft = _order(users, quantity=1, issue=False)
    exercise = make_exercise(COUNTY_A, status=ExerciseStatus.IN_PROGRESS)
    client = api_client(users.county_a)
    url = f"/api/exercises/{exercise.pk}/participants/"

    refused = client.post(url, {"kind": "requisition", "requisition": war.pk}, format="json")
    assert refused.status_code == 400 and "requisition" in refused.json()
    missing = client.post(url, {"kind": "requisition"}, format="json")
    assert missing.status_code == 400

    participant = Participant.objects.create(exercise=exercise, kind="requisition", requisition=draft)
    not_issued = client.post(f"{url}{participant.pk}/record-handovers/")
    assert not_issued.status_code == 409
    assert not HandoverTime.objects.exists()

    # Another county: the exercise, its participants and its handover times are 404; its orders cannot be named.
    other = api_client(users.county_b)
    assert other.post(f"{url}{participant.pk}/record-handovers/").status_code == 404
    assert other.get(f"/api/exercises/{exercise.pk}/handover-times/").status_code == 404
    theirs = make_exercise(COUNTY_B, status=ExerciseStatus.IN_PROGRESS)
    named = other.post(
        f"/api/exercises/{theirs.pk}/participants/", {"kind": "requisition", "requisition": draft.pk}, format="json"
    )
    assert named.status_code == 400
    page = logged_in(users.county_b).post(reverse("exercises:record-handovers", args=[exercise.pk, participant.pk]))
    assert page.status_code == 404

    # Agency users read but do not evaluate.
    assert api_client(users.agency).post(f"{url}{participant.pk}/record-handovers/").status_code in (403, 404)

    # A closed exercise's evaluation is final.
    issued = _order(users, quantity=1)
    closed = make_exercise(COUNTY_A, status=ExerciseStatus.CLOSED)
    done = Participant.objects.create(exercise=closed, kind="requisition", requisition=issued)
    assert client.post(f"/api/exercises/{closed.pk}/participants/{done.pk}/record-handovers/").status_code == 409


def test_pages_name_the_order_and_time_its_handovers(users):
    order = _order(users)
    _hand_over(users, order)
    exercise = make_exercise(COUNTY_A, status=ExerciseStatus.IN_PROGRESS)
    browser = logged_in(users.county_a)

    form = browser.get(reverse("exercises:participant-create", args=[exercise.pk]))
    assert order.number in form.content.decode()
    saved = browser.post(
        reverse("exercises:participant-create", args=[exercise.pk]),
        {"kind": "requisition", "requisition": order.pk, "role": "support"},
    )
    assert saved.status_code == 302
    participant = Participant.objects.get(exercise=exercise, kind="requisition")

    page = browser.get(exercise.get_absolute_url()).content.decode()
    assert 'id="handovers"' in page and "record-handovers" in page

    response = browser.post(reverse("exercises:record-handovers", args=[exercise.pk, participant.pk]), follow=True)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="badge ok"') >= 1 and "45" in page
    assert HandoverTime.objects.filter(exercise=exercise).count() == 3
