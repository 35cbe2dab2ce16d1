"""Notice pages: the order's notices (filters, keyset pages, bulk delivery), one notice with its workflow forms,
township batches, the attendance upload, no-shows, postponements and the issue button; scope and query pins."""

import datetime
import io
import itertools
import sys
import types

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

import mobilization.services
from core.choices import JobStatus
from core.models import AuditEvent, Job, Region
from core.scope import OutOfScope
from core.testing import COUNTY_A, ScopedViewContract, logged_in
from mobilization.choices import OrderStatus
from mobilization.models import CallUpOrder, Notice, NoticeBatch, NoticeEvent, Postponement
from mobilization.services import notices_bulk as actions_bulk
from reservists.models import ServiceRecord

from .helpers import make_reservist

pytestmark = pytest.mark.django_db
D = datetime.date
REPORT = D(2027, 3, 15)
_codes = itertools.count(1)


def make_order(county=None, status=OrderStatus.ISSUED, **kw):
    values = {"mobilization_type": "educational", "title": "116年教育召集", "report_date": REPORT, "days": 5}
    values.update(kw)
    order = CallUpOrder.objects.create(quota=1000, status=status, decided_at="2027-01-05T10:00:00+08:00", **values)
    if county is not None:
        order.target_regions.set([county])
    return order


def add_notices(order, township_code="220", n=1, status="sent", **kw) -> list[Notice]:
    """Notice rows written directly (the issuing job is tested in test_notices.py)."""
    town = Region.objects.get(code=township_code, level="township")
    last = Notice.objects.filter(order=order).order_by("-sequence").first()
    seq = last.sequence if last else 0
    in_town = Notice.objects.filter(order=order, township=town).count()
    notices = []
    for i in range(1, n + 1):
        person = make_reservist(township_code=township_code, name="王小明")
        code = next(_codes)
        notices.append(
            Notice(
                order=order,
                reservist=person,
                township=town,
                sequence=seq + i,
                number=f"116E{order.pk:05d}-{seq + i:06d}",
                report_date=order.report_date,
                report_time=datetime.time(8, 0),
                assembly_point="板橋營區",
                verification_code=f"CODE{code:012d}",
                status=status,
                delivery_seq=in_town + i,
                **kw,
            )
        )
    return Notice.objects.bulk_create(notices)


def township_of(county: Region) -> str:
    return "220" if county.code == COUNTY_A else county.children.order_by("code").first().code


# ----- scope contracts -----------------------------------------------------------------------------


class TestNoticeDetailContract(ScopedViewContract):
    allowed = "township"

    def make_object(self, county):
        return add_notices(make_order(), township_of(county))[0]

    def url(self, obj):
        return reverse("mobilization:notice-detail", args=[obj.pk])


class TestOrderNoticesContract(ScopedViewContract):
    allowed = "township"

    def make_object(self, county):
        order = make_order(county)
        add_notices(order, township_of(county))
        return order

    def url(self, obj):
        return reverse("mobilization:order-notices", args=[obj.pk])


class TestBatchesContract(TestOrderNoticesContract):
    def url(self, obj):
        return reverse("mobilization:order-batches", args=[obj.pk])


class TestNoShowsContract(TestOrderNoticesContract):
    def url(self, obj):
        return reverse("mobilization:order-no-shows", args=[obj.pk])


class TestAttendanceUploadContract(TestOrderNoticesContract):
    def url(self, obj):
        return reverse("mobilization:attendance-upload", args=[obj.pk])


class TestNoticePdfContract(TestNoticeDetailContract):
    @pytest.fixture(autouse=True)
    def fake_pdf(self, monkeypatch):
        fake_pdf_module(monkeypatch)

    def url(self, obj):
        return reverse("mobilization:notice-pdf", args=[obj.pk])


def fake_pdf_module(monkeypatch):
    """The PDF module renders with WeasyPrint (its own tests); the page only has to call it and log the download."""
    module = types.ModuleType("mobilization.services.notice_pdf")
    module.render_notice_pdf = lambda notice: b"%PDF-1.7 " + notice.number.encode()
    monkeypatch.setitem(sys.modules, "mobilization.services.notice_pdf", module)
    monkeypatch.setattr(mobilization.services, "notice_pdf", module, raising=False)


# ----- the order's notices -------------------------------------------------------------------------


def rows(response) -> list[str]:
    return [n.number for n in response.context["notices"]]


def test_a_township_office_sees_only_its_townships_notices(users):
    order = make_order()  # nationwide
    mine = add_notices(order, "220", 2)
    add_notices(order, "100", 3)
    response = logged_in(users.township).get(reverse("mobilization:order-notices", args=[order.pk]))
    assert response.status_code == 200
    assert rows(response) == [n.number for n in mine]
    html = response.content.decode()
    assert "王*明" in html and "王小明" not in html  # names masked
    assert rows(logged_in(users.staff).get(reverse("mobilization:order-notices", args=[order.pk]))) != rows(response)


def test_filters_and_keyset_pages(users):
    order = make_order()
    banqiao = add_notices(order, "220", 55)
    add_notices(order, "221", 3, status="delivered", attendance="absent")
    url = reverse("mobilization:order-notices", args=[order.pk])
    client = logged_in(users.staff)
    first = client.get(url)
    assert len(rows(first)) == 50 and first.context["next_after"] == 50
    second = client.get(url + "?after=50")
    assert len(rows(second)) == 8 and second.context["next_after"] is None
    assert rows(client.get(url + "?status=delivered")) == [f"116E{order.pk:05d}-{s:06d}" for s in (56, 57, 58)]
    assert len(rows(client.get(url + "?attendance=absent"))) == 3
    assert len(rows(client.get(url + "?attendance=none&status=sent"))) == 50
    # With a township: the printed batch's delivery order, paged on it.
    by_town = client.get(url + "?township=220&after=50")
    assert rows(by_town) == [n.number for n in banqiao[50:]]
    bad = client.get(url + "?status=lost")
    assert bad.status_code == 200 and len(rows(bad)) == 50  # an unknown value is ignored, with the form's error


def test_notice_list_query_count_does_not_grow_with_rows(users, django_assert_max_num_queries):
    order = make_order()
    add_notices(order, "220", 3)
    url = reverse("mobilization:order-notices", args=[order.pk])
    client = logged_in(users.township)
    client.get(url)  # warms the user's cached authorisation and scope
    # the user, the order's target regions for scope, the order, the townships of its batches, the page
    with django_assert_max_num_queries(5):
        client.get(url)
    add_notices(order, "220", 40, status="delivered", attendance="absent")
    with django_assert_max_num_queries(6):  # + the township looked up by its code
        response = client.get(url + "?township=220&status=delivered")
    assert len(rows(response)) == 40


@pytest.mark.parametrize(("name", "budget"), [("notice-detail", 4), ("order-no-shows", 6), ("order-batches", 4)])
def test_page_query_budgets(users, django_assert_max_num_queries, name, budget):
    order = make_order()
    notices = add_notices(order, "220", 20, attendance="absent")
    for notice in notices[:3]:
        NoticeEvent.objects.create(notice=notice, status="sent", event="sent", channel="post")
    Postponement.objects.create(
        notice=notices[0], days=2, reason="病", original_report_date=REPORT, new_report_date=REPORT
    )
    url = reverse(f"mobilization:{name}", args=[notices[0].pk if name == "notice-detail" else order.pk])
    client = logged_in(users.township)
    client.get(url)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_bulk_delivery_of_ticked_notices_and_of_a_township(users):
    order = make_order()
    mine = add_notices(order, "220", 4)
    theirs = add_notices(order, "100", 2)
    NoticeBatch.objects.create(order=order, township=mine[0].township, part=1, first_seq=1, last_seq=4, count=4)
    client = logged_in(users.township)
    url = reverse("mobilization:order-notices-deliver", args=[order.pk])
    # Another township's notice among the ticked ones is simply not in the clerk's queryset.
    client.post(url, {"notice": [mine[0].pk, theirs[0].pk], "note": "親送"})
    assert Notice.objects.get(pk=mine[0].pk).status == "delivered"
    assert Notice.objects.get(pk=theirs[0].pk).status == "sent"
    response = client.post(url, {"township": "220"}, follow=True)
    assert set(Notice.objects.filter(township__code="220").values_list("status", flat=True)) == {"delivered"}
    assert "3" in str(list(response.context["messages"])[-1])
    assert NoticeEvent.objects.filter(event="delivered").count() == 4
    assert set(Notice.objects.filter(township__code="100").values_list("status", flat=True)) == {"sent"}
    assert logged_in(users.county_b).post(url, {"township": "100"}).status_code == 403  # local_gov only reads
    assert set(Notice.objects.filter(township__code="100").values_list("status", flat=True)) == {"sent"}


# ----- one notice ----------------------------------------------------------------------------------


def act(client, notice, name, data):
    return client.post(reverse("mobilization:notice-action", args=[notice.pk, name]), data)


def test_notice_page_shows_masked_data_history_and_forms(users):
    [notice] = add_notices(make_order(), "220")
    NoticeEvent.objects.create(notice=notice, status="sent", event="sent", channel="post")
    response = logged_in(users.township).get(reverse("mobilization:notice-detail", args=[notice.pk]))
    html = response.content.decode()
    assert notice.reservist.masked_national_id in html and notice.reservist.national_id not in html
    assert [h["code"] for h in response.context["history"]] == ["issued", "sent"]
    assert set(response.context["forms"]) == {"deliver", "acknowledge", "attendance", "postpone"}
    assert reverse("mobilization:notice-pdf", args=[notice.pk]) in html
    # A reader (local government) gets no forms.
    assert logged_in(users.county_a).get(reverse("mobilization:notice-detail", args=[notice.pk])).context["forms"] == {}


def test_delivery_forms(users):
    [notice] = add_notices(make_order(), "220")
    client = logged_in(users.township)
    response = act(client, notice, "deliver", {"deliver-outcome": "undeliverable", "deliver-note": ""})
    assert response.status_code == 400 and response.context["forms"]["deliver"].errors["note"]
    notice.refresh_from_db()
    assert notice.status == "sent"
    response = act(client, notice, "deliver", {"deliver-outcome": "undeliverable", "deliver-note": "查無此人"})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.status == "undeliverable"
    assert NoticeEvent.objects.get(notice=notice).note == "查無此人"
    act(client, notice, "deliver", {"deliver-outcome": "delivered"})
    act(client, notice, "acknowledge", {})
    notice.refresh_from_db()
    assert notice.status == "acknowledged"
    # Delivered again after the acknowledgement: refused in the form, nothing changes.
    response = act(client, notice, "deliver", {"deliver-outcome": "delivered"})
    assert response.status_code == 409 and response.context["refused_form"] == "deliver"
    notice.refresh_from_db()
    assert notice.status == "acknowledged"


def test_attendance_form_becomes_a_service_record(users):
    [notice] = add_notices(make_order(), "220")
    client = logged_in(users.township)
    assert act(client, notice, "attendance", {"attendance-attended": "present"}).status_code == 302
    record = ServiceRecord.objects.get(reference=notice.number)
    assert (record.reservist_id, record.start_date, record.days) == (notice.reservist_id, REPORT, 5)
    act(client, notice, "attendance", {"attendance-attended": "absent"})
    notice.refresh_from_db()
    assert notice.attendance == "absent" and not ServiceRecord.objects.filter(reference=notice.number).exists()


def test_a_four_day_postponement_is_refused_citing_article_31_in_the_form(users):
    [notice] = add_notices(make_order(), "220")
    data = {"postpone-days": 4, "postpone-kind": "illness", "postpone-reason": "住院開刀"}
    response = act(logged_in(users.township), notice, "postpone", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="postpone-refusal"' in html and "第31條" in html
    assert response.context["forms"]["postpone"].data["postpone-reason"] == "住院開刀"  # kept for correction
    assert not Postponement.objects.exists()


def test_roll_call_has_no_postponement(users):
    [notice] = add_notices(make_order(mobilization_type="roll_call", days=1), "220")
    data = {"postpone-days": 1, "postpone-kind": "illness", "postpone-reason": "發燒"}
    response = act(logged_in(users.township), notice, "postpone", data)
    assert response.status_code == 400
    assert [r["label"] for r in response.context["refusal"]["reasons"]] == ["第31條"]
    assert not Postponement.objects.exists()


def test_township_requests_and_the_mnd_unit_decides(users):
    first, second = add_notices(make_order(), "220", 2)
    clerk = logged_in(users.township)
    data = {"postpone-days": 2, "postpone-kind": "major_event", "postpone-reason": "家中喪事"}
    assert act(clerk, first, "postpone", data).status_code == 302
    act(clerk, second, "postpone", data)
    requested = Postponement.objects.get(notice=first)
    assert requested.status == "requested"
    decide = reverse("mobilization:postponement-decide", args=[requested.pk, "approve"])
    assert clerk.post(decide).status_code == 403  # a township office does not decide
    # The list puts requests first; the decider approves one and refuses the other.
    staff = logged_in(users.staff)
    listing = staff.get(reverse("mobilization:postponement-list"))
    assert [p.status for p in listing.context["object_list"]] == ["requested", "requested"]
    assert staff.post(decide, {"comment": "准", "next": reverse("mobilization:postponement-list")}).status_code == 302
    first.refresh_from_db()
    assert first.report_date == REPORT + datetime.timedelta(days=2) and first.revision == 2
    other = Postponement.objects.get(notice=second)
    staff.post(reverse("mobilization:postponement-decide", args=[other.pk, "refuse"]), {"comment": "不符"})
    other.refresh_from_db()
    assert other.status == "refused" and other.decision_comment == "不符"
    statuses = [p.status for p in staff.get(reverse("mobilization:postponement-list")).context["object_list"]]
    assert sorted(statuses) == ["approved", "refused"]


def test_no_permission_changes_nothing(users):
    [notice] = add_notices(make_order(), "220")
    for user in (users.county_a, users.agency):
        response = act(logged_in(user), notice, "attendance", {"attendance-attended": "present"})
        assert response.status_code == 403
    [theirs] = add_notices(make_order(), "100")
    assert act(logged_in(users.township), theirs, "attendance", {"attendance-attended": "present"}).status_code == 404
    assert not Notice.objects.exclude(attendance=None).exists()


def test_notice_pdf_is_logged(users, monkeypatch):
    fake_pdf_module(monkeypatch)
    [notice] = add_notices(make_order(), "220")
    response = logged_in(users.township).get(reverse("mobilization:notice-pdf", args=[notice.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(object_id=notice.pk, table_name="mobilization_notice").exists()


# ----- batches --------------------------------------------------------------------------------------


def test_batches_list_and_download(users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = make_order()
    add_notices(order, "220", 2)
    add_notices(order, "100", 1)
    banqiao = Region.objects.get(code="220")
    mine = NoticeBatch.objects.create(
        order=order, township=banqiao, part=1, first_seq=1, last_seq=2, count=2, status="ready", pages=2
    )
    mine.file.save("order/220-part1.pdf", ContentFile(b"%PDF-1.7"), save=True)
    NoticeBatch.objects.create(
        order=order, township=Region.objects.get(code="100"), part=1, first_seq=1, last_seq=1, count=1
    )
    response = logged_in(users.township).get(reverse("mobilization:order-batches", args=[order.pk]))
    assert [b.pk for b in response.context["batches"]] == [mine.pk]
    assert reverse("mobilization:notice-batch-download", args=[mine.pk]) in response.content.decode()
    staff = logged_in(users.staff).get(reverse("mobilization:order-batches", args=[order.pk]))
    assert staff.context["totals"] == {"notices": 3, "pages": 2, "ready": 1}


# ----- attendance upload ---------------------------------------------------------------------------


@pytest.fixture
def upload(django_capture_on_commit_callbacks):
    """Post the file, run the queued import (Celery is eager in tests), then open the result page."""

    def run(client, order, content: bytes, name="attendance.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("mobilization:attendance-upload", args=[order.pk]), {"file": SimpleUploadedFile(name, content)}
            )
        assert response.status_code == 302, response.content.decode()[:500]
        return client.get(response["Location"])

    return run


def test_upload_records_attendance_set_based(users, upload):
    order = make_order()
    a, b, c = add_notices(order, "220", 3)
    content = f"notice_number,attended\n{a.number},是\n{b.number},否\n{c.number},present\n".encode()
    response = upload(logged_in(users.township), order, content)
    assert response.context["job"].status == JobStatus.SUCCEEDED
    assert dict(Notice.objects.filter(order=order).values_list("number", "attendance")) == {
        a.number: "present",
        b.number: "absent",
        c.number: "present",
    }
    assert set(ServiceRecord.objects.values_list("reference", flat=True)) == {a.number, c.number}
    assert set(NoticeEvent.objects.values_list("event", "user_name")) == {
        ("attendance.present", "t_township"),
        ("attendance.absent", "t_township"),
    }
    # The rows written by COPY are in the audit log under the clerk's name.
    logged = AuditEvent.objects.filter(table_name="reservists_servicerecord", action="create")
    assert set(logged.values_list("username", flat=True)) == {"t_township"} and logged.count() == 2
    # The same file again changes nothing; a correction removes the service record.
    upload(logged_in(users.township), order, content)
    assert NoticeEvent.objects.filter(event__startswith="attendance.").count() == 3
    upload(logged_in(users.township), order, f"召集令字號,是否報到\n{a.number},否\n".encode(), name="fix.csv")
    assert set(ServiceRecord.objects.values_list("reference", flat=True)) == {c.number}


def test_upload_with_a_bad_row_records_nothing_and_lists_every_problem(users, upload):
    order = make_order()
    a, b = add_notices(order, "220", 2)
    [theirs] = add_notices(order, "100")
    content = f"notice_number,attended\n{a.number},是\n{b.number},也許\n{theirs.number},是\n{a.number},否\n".encode()
    response = upload(logged_in(users.township), order, content)
    job = response.context["job"]
    assert job.status == JobStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.result["errors"]] == [
        (3, "是否報到"),
        (4, "召集令字號"),
        (5, "召集令字號"),
    ]
    assert "也許" in job.result["errors"][0]["message"]
    assert 'id="import-errors"' in response.content.decode()
    assert not Notice.objects.exclude(attendance=None).exists()
    assert not ServiceRecord.objects.exists()


def test_upload_xlsx_and_template(users, upload):
    order = make_order()
    [notice] = add_notices(order, "220")
    book = Workbook()
    book.active.append(["notice_number", "attended"])
    book.active.append([notice.number, 1])
    out = io.BytesIO()
    book.save(out)
    upload(logged_in(users.township), order, out.getvalue(), name="report-day.xlsx")
    notice.refresh_from_db()
    assert notice.attendance == "present"
    template = logged_in(users.township).get(reverse("mobilization:attendance-template", args=["csv"]))
    from core.importing import template_headers
    from mobilization.services.attendance_import import AttendanceImport

    assert template.content.decode("utf-8-sig").splitlines() == [",".join(template_headers(AttendanceImport))]
    assert logged_in(users.county_a).get(reverse("mobilization:attendance-template", args=["csv"])).status_code == 403


def test_bulk_attendance_refuses_notices_outside_the_area(users):
    order = make_order()
    [mine] = add_notices(order, "220")
    [theirs] = add_notices(order, "100")
    with pytest.raises(OutOfScope):
        actions_bulk.record_attendance_many(user=users.township, order=order, marks={mine.pk: True, theirs.pk: True})
    assert not Notice.objects.exclude(attendance=None).exists()


# ----- no-shows ------------------------------------------------------------------------------------


def test_no_shows_grouped_per_township_with_csv(users):
    order = make_order()
    add_notices(order, "220", 2, attendance="absent")
    add_notices(order, "220", 1, attendance="present")
    add_notices(order, "221", 1, attendance="absent")
    add_notices(order, "100", 3, attendance="absent")
    url = reverse("mobilization:order-no-shows", args=[order.pk])
    staff = logged_in(users.staff).get(url)
    assert [(g["township"].code, g["count"]) for g in staff.context["groups"]] == [("100", 3), ("220", 2), ("221", 1)]
    assert len(staff.context["notices"]) == 6
    clerk = logged_in(users.township).get(url)
    assert [(g["township"].code, g["count"]) for g in clerk.context["groups"]] == [("220", 2)]
    assert {n.township.code for n in clerk.context["notices"]} == {"220"}
    csv_response = logged_in(users.township).get(reverse("mobilization:order-no-shows-csv", args=[order.pk]))
    lines = b"".join(csv_response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == 3 and lines[0].startswith("召集令字號")
    assert "王*明" in lines[1] and "王小明" not in "".join(lines)


# ----- the order page: issue button and links ------------------------------------------------------


def test_issue_button_starts_the_job(users):
    order = make_order(status=OrderStatus.APPROVED)
    url = reverse("mobilization:order-detail", args=[order.pk])
    assert 'id="do-issue"' in logged_in(users.staff).get(url).content.decode()
    assert 'id="do-issue"' not in logged_in(users.township).get(url).content.decode()
    issue = reverse("mobilization:order-issue", args=[order.pk])
    assert logged_in(users.township).post(issue).status_code == 403
    response = logged_in(users.staff).post(issue, {"comment": "發布"})
    job = Job.objects.get(kind="mobilization.issue")
    # Back to the order page, whose notices panel follows the job and shows its result without a reload.
    assert response.status_code == 302 and response["Location"] == url + "#notices"
    order.refresh_from_db()
    assert order.status == OrderStatus.ISSUING
    page = logged_in(users.staff).get(url).content.decode()
    assert (
        f'data-job-url="/api/jobs/{job.pk}/"' in page
        and 'data-refresh-on-finish="order-meta order-actions notices"' in page
    )
    assert 'id="issue-job"' in page and 'id="link-notices"' in page and 'id="do-issue"' not in page


def test_issued_order_with_every_batch_ready_has_no_issue_button(users):
    order = make_order()
    add_notices(order, "220")
    batch = NoticeBatch.objects.create(
        order=order, township=Region.objects.get(code="220"), part=1, first_seq=1, last_seq=1, count=1
    )
    url = reverse("mobilization:order-detail", args=[order.pk])
    assert 'id="do-issue"' in logged_in(users.staff).get(url).content.decode()  # a batch still to print
    NoticeBatch.objects.filter(pk=batch.pk).update(status="ready")
    page = logged_in(users.staff).get(url).content.decode()
    assert 'id="do-issue"' not in page and 'id="link-batches"' in page
    response = logged_in(users.staff).post(reverse("mobilization:order-issue", args=[order.pk]), follow=True)
    assert Job.objects.count() == 0 and response.context["messages"]


def test_a_failed_issue_can_be_resumed_but_a_failed_selection_cannot(users):
    resumable = make_order(status=OrderStatus.FAILED)  # failed after approval (it has a decision)
    page = logged_in(users.staff).get(reverse("mobilization:order-detail", args=[resumable.pk])).content.decode()
    assert 'id="do-issue"' in page and 'id="link-notices"' in page
    never_approved = make_order(status=OrderStatus.FAILED)
    CallUpOrder.objects.filter(pk=never_approved.pk).update(decided_at=None)
    page = logged_in(users.staff).get(reverse("mobilization:order-detail", args=[never_approved.pk])).content.decode()
    assert 'id="do-issue"' not in page and 'id="notices"' not in page
