import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.exceptions import TransitionRefused
from core.models import AuditEvent, Region
from core.testing import county, logged_in
from reservists.models import ResidenceMove
from reservists.services import decide_residence_move, file_residence_move

from .factories import make_reservist

pytestmark = pytest.mark.django_db


def banqiao_person():
    return make_reservist(county("TW-NWT"), address="舊地址")


def test_township_files_and_approver_approves(users):
    reservist = banqiao_person()
    to = Region.objects.get(code="100")
    client = logged_in(users.township)
    response = client.post(
        reverse("reservists:move-create", args=[reservist.pk]),
        {"to_township": to.pk, "new_address": "臺北市中正區重慶南路1號", "reason": "搬家"},
    )
    assert response.status_code == 302
    move = ResidenceMove.objects.get()
    assert move.status == "pending" and move.from_township.code == "220" and move.requested_by == users.township
    reservist.refresh_from_db()
    assert reservist.township.code == "220"  # nothing moves before approval

    queue = logged_in(users.approver).get(reverse("reservists:move-queue"))
    assert queue.status_code == 200 and move in queue.context["moves"]
    response = logged_in(users.approver).post(
        reverse("reservists:move-decide", args=[move.pk]), {"decision": "approve", "comment": ""}
    )
    assert response.status_code == 302
    reservist.refresh_from_db()
    move.refresh_from_db()
    assert move.status == "approved" and move.decided_by == users.approver
    assert reservist.township.code == "100" and reservist.address == "臺北市中正區重慶南路1號"
    assert AuditEvent.objects.filter(table_name="reservists_reservist", object_id=reservist.pk, action="event").exists()
    # the person's history shows the move
    html = logged_in(users.approver).get(reverse("reservists:detail", args=[reservist.pk])).content.decode()
    assert "residence-moves" in html and "臺北市中正區" in html


def test_reject_needs_a_comment_and_leaves_the_reservist(users):
    reservist = banqiao_person()
    move = file_residence_move(
        user=users.township, reservist=reservist, to_township=Region.objects.get(code="221"), reason="工作"
    )
    with pytest.raises(ValidationError):
        decide_residence_move(user=users.approver, move=move, approve=False)
    decide_residence_move(user=users.approver, move=move, approve=False, comment="證明不足")
    reservist.refresh_from_db()
    assert reservist.township.code == "220"
    with pytest.raises(TransitionRefused):
        decide_residence_move(user=users.approver2, move=move, approve=True)
    move.refresh_from_db()
    assert move.status == "rejected"


def test_only_approvers_decide_and_only_township_offices_file(users):
    reservist = banqiao_person()
    with pytest.raises(PermissionDenied):
        file_residence_move(
            user=users.county_a, reservist=reservist, to_township=Region.objects.get(code="221"), reason="x"
        )
    move = file_residence_move(
        user=users.township, reservist=reservist, to_township=Region.objects.get(code="221"), reason="x"
    )
    for user in (users.township, users.county_a, users.staff):
        with pytest.raises(PermissionDenied):
            decide_residence_move(user=user, move=move, approve=True)
    response = logged_in(users.township).post(
        reverse("reservists:move-decide", args=[move.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    move.refresh_from_db()
    assert move.status == "pending"


def test_second_pending_move_and_same_township_are_refused(users):
    reservist = banqiao_person()
    with pytest.raises(ValidationError):
        file_residence_move(user=users.township, reservist=reservist, to_township=reservist.township, reason="x")
    file_residence_move(
        user=users.township, reservist=reservist, to_township=Region.objects.get(code="221"), reason="x"
    )
    with pytest.raises(ValidationError):
        file_residence_move(
            user=users.township, reservist=reservist, to_township=Region.objects.get(code="234"), reason="y"
        )
    assert ResidenceMove.objects.count() == 1


def test_township_cannot_move_someone_outside_its_township(users):
    other = make_reservist(county("TW-TPE"))
    response = logged_in(users.township).get(reverse("reservists:move-create", args=[other.pk]))
    assert response.status_code == 404


def test_queue_is_scoped(users):
    reservist = banqiao_person()
    file_residence_move(
        user=users.township, reservist=reservist, to_township=Region.objects.get(code="221"), reason="x"
    )
    assert len(logged_in(users.county_b).get(reverse("reservists:move-queue")).context["moves"]) == 0
    assert len(logged_in(users.county_a).get(reverse("reservists:move-queue")).context["moves"]) == 1
    assert logged_in(users.agency).get(reverse("reservists:move-queue")).status_code == 403


def test_auditor_sees_the_change_history_of_a_move(users):
    reservist = banqiao_person()
    move = file_residence_move(
        user=users.township, reservist=reservist, to_township=Region.objects.get(code="221"), reason="x"
    )
    decide_residence_move(user=users.approver, move=move, approve=True)
    page = logged_in(users.auditor).get(reverse("reservists:detail", args=[reservist.pk]))
    assert len(page.context["history"]) >= 1 and "change-history" in page.content.decode()
    assert logged_in(users.county_a).get(reverse("reservists:detail", args=[reservist.pk])).context["history"] == []


def test_move_steps_write_named_events_with_before_and_after(users):
    reservist = banqiao_person()
    move = file_residence_move(
        user=users.township, reservist=reservist, to_township=Region.objects.get(code="221"), reason="搬家"
    )
    requested = AuditEvent.objects.get(event="reservists.move.requested")
    assert (requested.table_name, requested.object_id, requested.username) == (
        "reservists_residencemove",
        move.pk,
        users.township.username,
    )
    decide_residence_move(user=users.approver, move=move, approve=True, comment="ok")
    approved = AuditEvent.objects.get(event="reservists.move.approved")
    assert (approved.object_id, approved.before["status"], approved.after["status"], approved.message) == (
        move.pk,
        "pending",
        "approved",
        "ok",
    )
    moved = AuditEvent.objects.get(event="reservists.reservist.moved")
    assert moved.object_id == reservist.pk and moved.after["township"] == Region.objects.get(code="221").pk


def test_queue_buttons_are_what_check_allows(users):
    from core.actions import allowed
    from reservists.actions import MOVE_DECISIONS

    reservist = banqiao_person()
    move = file_residence_move(
        user=users.township, reservist=reservist, to_township=Region.objects.get(code="221"), reason="x"
    )
    for user in (users.approver, users.county_a, users.township):
        client = logged_in(user)
        response = client.get(reverse("reservists:move-queue"))
        if response.status_code != 200:
            continue
        page = response.content.decode()
        shown = {name for name in ("approve", "reject") if f'name="decision" value="{name}"' in page}
        assert shown == allowed(user, move, MOVE_DECISIONS), user.username
    decide_residence_move(user=users.approver, move=move, approve=False, comment="no")
    assert allowed(users.approver, move, MOVE_DECISIONS) == set()
