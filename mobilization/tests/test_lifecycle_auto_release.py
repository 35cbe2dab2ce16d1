"""A person who turns ineligible before report day is released and replaced automatically, where the registry
change is executed: an approved move out of the order's target, a new Art. 29 grant (page or API), a status of
deceased / removed (page, API or import). One named event per order, one gap per notice, the quota kept."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.urls import reverse

from core.models import AuditEvent, Region
from core.testing import api_client, logged_in
from mobilization.models import DeliveryMessage, Gap, NoticeEvent
from reservists.models import PriorityGrant
from reservists.services import decide_residence_move, file_residence_move

from .lifecycle_world import issued_order

pytestmark = pytest.mark.django_db
BINDING = ["issued", "sent", "delivered", "acknowledged"]
AUTO = "mobilization.notice.released_automatically"


def binding(world):
    return world.order.notices.filter(status__in=BINDING)


def grant_body(valid_from="2026-01-01"):
    return {"kind": "successive", "basis": "art29.3", "valid_from": valid_from}


def test_a_move_out_of_the_target_releases_and_replaces_in_the_approval(users):
    world = issued_order(users)
    world.order.target_regions.set([Region.objects.get(code="TW-NWT")])  # the order calls 新北市
    b2 = world.people["b2"]
    move = file_residence_move(
        user=users.township, reservist=b2, to_township=Region.objects.get(code="100"), reason="x"
    )
    decide_residence_move(user=users.approver, move=move, approve=True)
    notice = world.notice("b2")
    assert notice.status == "withdrawn"
    gap = Gap.objects.get(notice=notice)
    assert gap.reason == "moved" and gap.status == "filled"
    assert gap.replacement.reservist_id == world.people["b4"].pk and gap.replacement.replaces_id == notice.pk
    assert binding(world).count() == world.order.quota
    assert NoticeEvent.objects.filter(notice=notice, event="released.moved").count() == 1
    event = AuditEvent.objects.get(event=AUTO, object_id=world.order.pk)
    assert event.after["cause"] == "moved" and event.after["moved"] == 1 and event.after["reservists"] == [b2.pk]
    # b2 is told by e-mail that the notice no longer binds
    assert DeliveryMessage.objects.filter(notice_id=notice.pk, channel="email").exists()


def test_a_move_inside_the_target_changes_nothing(users):
    world = issued_order(users)
    world.order.target_regions.set([Region.objects.get(code="TW-NWT")])
    move = file_residence_move(
        user=users.township, reservist=world.people["b2"], to_township=Region.objects.get(code="221"), reason="x"
    )
    decide_residence_move(user=users.approver, move=move, approve=True)
    assert world.notice("b2").status in BINDING
    assert not Gap.objects.exists() and not AuditEvent.objects.filter(event=AUTO).exists()


def test_a_new_art29_grant_through_the_api_releases_and_replaces_once(users):
    world = issued_order(users)
    b2 = world.people["b2"]
    url = f"/api/reservists/{b2.pk}/priority-grants/"
    response = api_client(users.staff).post(url, grant_body())
    assert response.status_code == 201, response.content
    notice = world.notice("b2")
    assert notice.status == "withdrawn"
    assert Gap.objects.get(notice=notice).reason == "ineligible"
    assert world.notice("b4").replaces_id == notice.pk
    assert binding(world).count() == world.order.quota
    # a second grant finds nothing left to release: still one gap, one replacement, one named event
    assert api_client(users.staff).post(url, {**grant_body("2026-02-01"), "basis": "art29.4"}).status_code == 201
    assert Gap.objects.filter(order=world.order).count() == 1
    assert world.order.notices.filter(replaces=notice).count() == 1
    assert AuditEvent.objects.filter(event=AUTO).count() == 1
    # the on-demand release finds nobody either
    again = api_client(users.staff).post(f"/api/mobilization/orders/{world.order.pk}/release-ineligible/", {})
    assert again.json()["ineligible"] == 0 and again.json()["moved"] == 0


def test_a_new_art29_grant_on_the_page_releases(users):
    world = issued_order(users)
    b1 = world.people["b1"]
    page = logged_in(users.staff).post(
        reverse("reservists:grant-create", args=[b1.pk]),
        {"kind": "successive", "basis": "art29.3", "valid_from": "2026-01-01", "valid_until": "", "evidence": "x"},
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    assert PriorityGrant.objects.filter(reservist=b1).exists()
    assert world.notice("b1").status == "withdrawn"
    assert world.notice("b4").replaces_id == world.notice("b1").pk


def test_a_grant_that_starts_after_report_day_changes_nothing(users):
    world = issued_order(users)
    later = (world.order.report_date + datetime.timedelta(days=1)).isoformat()
    response = api_client(users.staff).post(
        f"/api/reservists/{world.people['b2'].pk}/priority-grants/", grant_body(later)
    )
    assert response.status_code == 201
    assert world.notice("b2").status in BINDING and not Gap.objects.exists()


def test_deceased_through_the_api_is_released_without_a_message_and_replaced(users):
    world = issued_order(users)
    b2 = world.people["b2"]
    before = DeliveryMessage.objects.filter(notice_id=world.notice("b2").pk).count()
    response = api_client(users.staff).patch(f"/api/reservists/{b2.pk}/", {"status": "deceased"}, format="json")
    assert response.status_code == 200, response.content
    notice = world.notice("b2")
    assert notice.status == "withdrawn"
    assert NoticeEvent.objects.filter(notice=notice, event="released.registry").count() == 1
    assert DeliveryMessage.objects.filter(notice_id=notice.pk).count() == before  # nobody writes to the dead
    assert world.notice("b4").replaces_id == notice.pk
    assert AuditEvent.objects.get(event=AUTO).after["registry"] == 1


def test_nothing_moves_once_report_day_has_come(users):
    world = issued_order(users, report_date=datetime.date.today())
    response = api_client(users.staff).post(
        f"/api/reservists/{world.people['b2'].pk}/priority-grants/", grant_body("2020-01-01")
    )
    assert response.status_code == 201
    assert world.notice("b2").status in BINDING
    assert not Gap.objects.exists() and not AuditEvent.objects.filter(event=AUTO).exists()


def test_removed_by_an_import_is_released(users):
    from reservists.imports import ReservistImport

    world = issued_order(users)
    b3 = world.people["b3"]
    importer = ReservistImport(users.admin)
    row = SimpleNamespace(number=1, values={f: getattr(b3, f) for f in importer.fields} | {"status": "removed"})
    with transaction.atomic(), connection.cursor() as cursor:
        importer.write(cursor, [row])  # the import job's own write step
    assert world.notice("b3").status == "withdrawn"
    assert world.notice("b4").replaces_id == world.notice("b3").pk
