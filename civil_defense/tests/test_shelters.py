"""Shelter assignments (Art. 24): capacity is never exceeded; moves and releases need someone else's approval."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from core.exceptions import TransitionRefused
from core.models import AuditEvent
from core.testing import api_client, logged_in

from ..models import ShelterAssignment, ShelterReleaseRequest
from ..services.shelters import assign_reservist, decide_release, request_release
from .factories import make_reservist, make_shelter


def test_assign_up_to_capacity_then_refused(users):
    shelter = make_shelter(capacity=2)
    client = api_client(users.county_a)
    url = f"/api/civil-defense/shelters/{shelter.pk}/assignments/"
    first, second, third = make_reservist(), make_reservist(), make_reservist()
    assert client.post(url, {"reservist": first.pk}).status_code == 201
    assert client.post(url, {"reservist": second.pk}).status_code == 201
    response = client.post(url, {"reservist": third.pk})
    assert response.status_code == 409
    assert response.json()["reasons"][0]["code"] == "shelter_full"
    assert ShelterAssignment.objects.filter(shelter=shelter).count() == 2
    detail = client.get(f"/api/civil-defense/shelters/{shelter.pk}/").json()
    assert detail["assigned"] == 2 and detail["capacity"] == 2
    listed = client.get(url).json()
    assert {row["reservist"] for row in listed["results"]} == {first.pk, second.pk}


def test_reservist_of_another_county_cannot_be_assigned(users):
    shelter = make_shelter(capacity=5)
    other = make_reservist("TW-TPE")
    response = api_client(users.county_a).post(
        f"/api/civil-defense/shelters/{shelter.pk}/assignments/", {"reservist": other.pk}
    )
    assert response.status_code == 400
    assert not ShelterAssignment.objects.exists()


def test_a_reservist_has_one_shelter(users):
    reservist = make_reservist()
    assign_reservist(user=users.county_a, shelter=make_shelter(), reservist=reservist)
    with pytest.raises(ValidationError):
        assign_reservist(user=users.county_a, shelter=make_shelter(), reservist=reservist)
    assert ShelterAssignment.objects.count() == 1


def test_capacity_cannot_drop_below_assigned(users):
    shelter = make_shelter(capacity=2)
    assign_reservist(user=users.county_a, shelter=shelter, reservist=make_reservist())
    assign_reservist(user=users.county_a, shelter=shelter, reservist=make_reservist())
    response = api_client(users.county_a).patch(
        f"/api/civil-defense/shelters/{shelter.pk}/", {"capacity": 1}, format="json"
    )
    assert response.status_code == 400 and "capacity" in response.json()
    shelter.refresh_from_db()
    assert shelter.capacity == 2


def test_page_assign_shows_refusal_when_full(users):
    shelter = make_shelter(capacity=1)
    first, second = make_reservist(), make_reservist()
    client = logged_in(users.county_a)
    url = reverse("civil_defense:shelter-assign", args=[shelter.pk])
    client.post(url, {"reservist": first.pk})
    response = client.post(url, {"reservist": second.pk}, follow=True)
    assert "1 / 1" in response.content.decode()
    assert ShelterAssignment.objects.filter(shelter=shelter).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_assignments_to_the_last_place_do_not_overfill(users):
    shelter = make_shelter(capacity=1)
    reservists = [make_reservist() for _ in range(4)]
    barrier = threading.Barrier(len(reservists))
    outcomes = []

    def attempt(reservist):
        try:
            barrier.wait()
            assign_reservist(user=users.county_a, shelter=shelter, reservist=reservist)
            outcomes.append("assigned")
        except TransitionRefused:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(r,)) for r in reservists]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["assigned", "full", "full", "full"]
    assert ShelterAssignment.objects.filter(shelter=shelter, released_at__isnull=True).count() == 1


def test_move_needs_approval_by_someone_else(users):
    from core.accounts import provision_user

    colleague = provision_user("t_county_a2", "local_gov", regions=["TW-NWT"], password="x", check_password=False)
    origin, target = make_shelter(capacity=1), make_shelter(capacity=1)
    reservist = make_reservist()
    assignment = assign_reservist(user=users.county_a, shelter=origin, reservist=reservist)

    # No direct way to end it: the database refuses a release without an approved request.
    from django.db import IntegrityError, transaction
    from django.utils import timezone

    with pytest.raises(IntegrityError), transaction.atomic():
        ShelterAssignment.objects.filter(pk=assignment.pk).update(released_at=timezone.now())

    request = request_release(user=users.county_a, assignment=assignment, reason="搬家", target_shelter=target)
    with pytest.raises(TransitionRefused):
        decide_release(user=users.county_a, request=request, approve=True)
    assert ShelterAssignment.objects.get(pk=assignment.pk).released_at is None

    decide_release(user=colleague, request=request, approve=True, comment="同意")
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == colleague
    old = ShelterAssignment.objects.get(pk=assignment.pk)
    assert old.released_at is not None and old.release_request_id == request.pk
    assert ShelterAssignment.objects.get(reservist=reservist, released_at__isnull=True).shelter == target
    # A named event (issue 17), with the comment as its note, instead of a sentence written at write time.
    assert AuditEvent.objects.filter(
        table_name="civil_defense_shelterreleaserequest", event="civil_defense.release.approved", message="同意"
    )
    assert AuditEvent.objects.filter(event="civil_defense.shelter.released", object_id=assignment.pk)
    moved = ShelterAssignment.objects.get(reservist=reservist, released_at__isnull=True)
    assigned = AuditEvent.objects.get(event="civil_defense.shelter.assigned", object_id=moved.pk)
    assert assigned.after == {"shelter": target.pk, "reservist": reservist.pk, "release_request": request.pk}


def test_move_into_a_full_shelter_is_refused_and_rolled_back(users):
    from core.accounts import provision_user

    colleague = provision_user("t_county_a2", "local_gov", regions=["TW-NWT"], password="x", check_password=False)
    origin, full = make_shelter(capacity=1), make_shelter(capacity=1)
    assign_reservist(user=users.county_a, shelter=full, reservist=make_reservist())
    assignment = assign_reservist(user=users.county_a, shelter=origin, reservist=make_reservist())
    request = request_release(user=users.county_a, assignment=assignment, reason="x", target_shelter=full)
    with pytest.raises(TransitionRefused):
        decide_release(user=colleague, request=request, approve=True)
    assert ShelterReleaseRequest.objects.get(pk=request.pk).status == "pending"
    assert ShelterAssignment.objects.get(pk=assignment.pk).released_at is None


def test_township_clerk_cannot_approve(users):
    assignment = assign_reservist(user=users.county_a, shelter=make_shelter(), reservist=make_reservist())
    request = request_release(user=users.county_a, assignment=assignment, reason="x")
    response = logged_in(users.township).post(reverse("civil_defense:release-decide", args=[request.pk]))
    assert response.status_code == 403
    assert ShelterReleaseRequest.objects.get(pk=request.pk).status == "pending"


def test_another_countys_official_cannot_assign_into_or_approve_for_my_shelter(users):
    shelter = make_shelter(capacity=5)
    mine = make_reservist()
    theirs = make_reservist("TW-TPE")
    url = f"/api/civil-defense/shelters/{shelter.pk}/assignments/"
    assert api_client(users.county_b).post(url, {"reservist": theirs.pk}).status_code == 404
    assert api_client(users.county_b).post(url, {"reservist": mine.pk}).status_code == 404
    assignment = assign_reservist(user=users.county_a, shelter=shelter, reservist=mine)
    request = request_release(user=users.county_a, assignment=assignment, reason="x")
    response = logged_in(users.county_b).post(
        reverse("civil_defense:release-decide", args=[request.pk]), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert ShelterReleaseRequest.objects.get(pk=request.pk).status == "pending"
    assert ShelterAssignment.objects.filter(shelter=shelter).count() == 1
