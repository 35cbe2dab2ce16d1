import datetime

import pytest
from django.db import DatabaseError, connection, transaction

from core.audit import audit_context, audited_tables, set_local_context
from core.choices import OrganisationKind
from core.models import AuditEvent, Organisation, Region
from core.testing import logged_in

pytestmark = pytest.mark.django_db


def events(**kw):
    return AuditEvent.objects.filter(table_name="core_organisation", **kw)


def make_org(code, region_code="TW-NWT"):
    return Organisation(code=code, name=code, kind=OrganisationKind.AGENCY, region=Region.objects.get(code=region_code))


def test_every_domain_table_is_audited():
    tables = audited_tables()
    assert "core_organisation" in tables and "core_profile" in tables
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE 'audit_%%' AND tgrelid = 'core_organisation'::regclass"
        )
        assert cur.fetchone()[0] == 3


def test_create_update_delete_with_user_before_and_after(users):
    with audit_context(users.admin, request_id="req-1"):
        org = make_org("a1")
        org.save()
        org.name = "renamed"
        org.save()
        org.delete()
    create, update, delete = events(request_id="req-1").order_by("id")
    assert create.action == "create" and create.after["code"] == "a1" and create.before is None
    assert update.action == "update" and update.before["name"] == "a1" and update.after["name"] == "renamed"
    assert delete.action == "delete" and delete.before["name"] == "renamed" and delete.after is None
    assert {e.username for e in (create, update, delete)} == {"t_admin"}
    assert {e.user_id for e in (create, update, delete)} == {users.admin.pk}
    assert ("name", "a1", "renamed") in update.changes


def test_bulk_create_queryset_update_and_raw_sql_are_audited(users):
    with audit_context(users.staff, request_id="bulk"):
        Organisation.objects.bulk_create([make_org(f"b{i}") for i in range(50)])
        Organisation.objects.filter(code__startswith="b").update(name="bulk-renamed")
        with connection.cursor() as cur:
            cur.execute("UPDATE core_organisation SET name_en = 'raw' WHERE code LIKE 'b%%'")
    assert events(request_id="bulk", action="create").count() == 50
    assert events(request_id="bulk", action="update").count() == 100
    assert set(events(request_id="bulk").values_list("username", flat=True)) == {"t_staff"}


def test_no_op_update_writes_no_event(users):
    org = make_org("same")
    org.save()
    before = events(action="update").count()
    Organisation.objects.filter(pk=org.pk).update(name="same")
    assert events(action="update").count() == before


def test_copy_is_audited_with_local_context(users):
    region = Region.objects.get(code="220")
    with transaction.atomic(), connection.cursor() as cur:
        set_local_context(cur, users.township, reason="import")
        import io

        cur.copy_expert(
            "COPY core_organisation (code, name, name_en, kind, region_id) FROM STDIN",
            io.StringIO(f"c1\tCopied\t\tagency\t{region.pk}\n"),
        )
    event = events(action="create").get(after__code="c1")
    assert event.username == "t_township" and event.message == "import"


def test_audit_log_is_append_only(users):
    make_org("x").save()
    event = AuditEvent.objects.latest("id")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).username == event.username


def test_web_request_writes_are_attributed(users, client):
    users.admin.is_superuser = True  # Django's admin is for superusers only (core/admin_site.py)
    users.admin.save()
    client.force_login(users.admin)
    response = client.post(
        "/admin/core/organisation/add/",
        {
            "code": "via-web",
            "name": "Via web",
            "kind": "agency",
            "region": Region.objects.get(code="220").pk,
        },
    )
    assert response.status_code == 302
    event = events(action="create").get(after__code="via-web")
    assert event.username == "t_admin" and event.request_id


def test_audit_page_for_auditor_not_for_county(users):
    make_org("seen").save()
    response = logged_in(users.auditor).get("/audit/", {"table": "core_organisation"})
    assert response.status_code == 200
    assert any(r["event"].after and r["event"].after.get("code") == "seen" for r in response.context["rows"])
    assert logged_in(users.county_a).get("/audit/").status_code == 403


def test_audit_page_filters_by_user(users):
    with audit_context(users.admin):
        make_org("by-admin").save()
    with audit_context(users.staff):
        make_org("by-staff").save()
    response = logged_in(users.auditor).get("/audit/", {"username": "t_staff", "table": "core_organisation"})
    codes = {r["event"].after["code"] for r in response.context["rows"]}
    assert "by-staff" in codes and "by-admin" not in codes


def test_personal_data_access_report(users):
    from core.audit import log_pii_export, log_pii_view

    org = make_org("pii-subject")
    org.save()
    log_pii_view(users.staff, org)
    log_pii_export(users.admin, Organisation, 12, "export of the filtered list")
    response = logged_in(users.auditor).get("/audit/personal-data/")
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [(r["event"].username, r["event"].action) for r in rows] == [
        ("t_admin", "export_pii"),
        ("t_staff", "view_pii"),
    ]
    assert rows[1]["subject"] == org
    assert logged_in(users.staff).get("/audit/personal-data/").status_code == 403


def test_audit_page_answers_all_approvals_of_call_up_orders(users):
    """Issue 17: an auditor asks for every approval of a call-up order by the event's name, and gets exactly those;
    the page reads the event's label, the kind of record and the fields in the reader's language."""
    from django.utils.translation import gettext_lazy as _

    from core import events
    from mobilization.models import CallUpOrder

    def declared(name, label):  # the mobilization app declares these; declare them here if it does not yet
        try:
            return events.get(name)
        except KeyError:
            return events.register(name, label)

    approved = declared("mobilization.order.approved", _("Call-up order approved"))
    rejected = declared("mobilization.order.rejected", _("Call-up order rejected"))
    orders = [
        CallUpOrder.objects.create(
            mobilization_type="educational", title=f"t{i}", report_date=datetime.date(2027, 3, 1), days=5, quota=1
        )
        for i in range(3)
    ]
    wanted = {
        events.record(
            approved,
            user=users.approver,
            obj=orders[0],
            before={"status": "submitted"},
            after={"status": "approved"},
            note="ok",
        ).pk,
        events.record(
            approved, user=users.approver2, obj=orders[1], before={"status": "submitted"}, after={"status": "approved"}
        ).pk,
    }
    events.record(
        rejected,
        user=users.approver,
        obj=orders[2],
        before={"status": "submitted"},
        after={"status": "rejected"},
        note="no",
    )
    events.record("core.access.denied", user=users.staff)
    make_org("noise").save()

    client = logged_in(users.auditor)
    response = client.get("/audit/", {"event": "mobilization.order.approved"})
    assert response.status_code == 200
    assert {row["event"].pk for row in response.context["rows"]} == wanted
    page = response.content.decode()
    # The choice lists read in words: the event's label and the kind of record, not names of tables.
    form = response.context["form"]
    assert dict(form.fields["event"].choices)["mobilization.order.approved"] == events.label(approved.name)
    assert events.label(approved.name) in page
    assert any(
        value == "mobilization_calluporder" and "召集令" in label for value, label in form.fields["table"].choices
    )
    assert str(CallUpOrder._meta.get_field("status").verbose_name) in page  # the field, not "status"
    # Narrowed by user and by the record itself.
    by_user = client.get("/audit/", {"event": "mobilization.order.approved", "username": users.approver2.username})
    assert [row["event"].object_id for row in by_user.context["rows"]] == [orders[1].pk]
    by_record = client.get("/audit/", {"table": "mobilization_calluporder", "object_id": orders[2].pk})
    assert [row["event"].event for row in by_record.context["rows"] if row["event"].event] == [
        "mobilization.order.rejected"
    ]
