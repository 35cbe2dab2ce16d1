"""Issue 18: texts read in the reader's words and calendar, never the stored codes and ISO dates."""

import datetime

import pytest
from django.utils import translation

from core.dates import reader_date, reader_params
from core.testing import logged_in

pytestmark = pytest.mark.django_db


def test_reader_date_in_either_language():
    with translation.override("zh-hant"):
        assert reader_date("2023-11-25") == "民國112年11月25日"
        assert reader_params({"until": "2023-11-25", "years": 8}) == {"until": "民國112年11月25日", "years": 8}
    with translation.override("en"):
        assert reader_date(datetime.date(2023, 11, 25)) == "2023-11-25"


def test_a_rule_reason_reads_its_date_in_the_readers_calendar():
    from mobilization.rules import message_for

    reason = {"code": "art27.window_expired", "params": {"years": 8, "until": "2023-11-25"}}
    with translation.override("zh-hant"):
        assert "期限已於民國112年11月25日屆滿" in message_for(reason)
    with translation.override("en"):
        assert "ended on 2023-11-25" in message_for(reason)


def test_the_policy_page_shows_the_first_version_from_the_start_in_chinese(users):
    page = logged_in(users.admin).get("/mobilization/policy/").content.decode()
    assert "自始適用" in page and "民國前" not in page and "1900-01-01" not in page
    assert "The defaults of Art. 26-28" not in page and "施行細則第26條至第28條之預設值" in page


def test_report_order_rows_read_type_status_and_date_in_words():
    from reports.sections.call_ups import charts_for

    figures = {
        "available": True,
        "live_orders": 1,
        "quota": 12,
        "filled": 12,
        "order_rows": [[1, "教育召集", "educational", "2027-01-17", 12, 12, "issued"]],
    }
    with translation.override("zh-hant"):
        row = charts_for(figures, None, {})["order_rows"][0]
    assert row[2] == "教育召集" and row[3] == "民國116年1月17日" and row[6] not in ("issued", "")
    assert "issued" not in str(row)


def test_ranks_and_categories_in_english():
    from reservists.choices import Category, rank_label

    with translation.override("en"):
        assert rank_label("少尉") == "Second lieutenant"
        assert str(Category.RESERVIST.label) == "Reservist"
    with translation.override("zh-hant"):
        assert rank_label("少尉") == "少尉" and str(Category.RESERVIST.label) == "後備軍人"
        assert rank_label("准尉") == "准尉"  # not listed: as recorded


def test_a_job_message_written_by_a_chinese_worker_reads_in_english(users):
    from core import jobs
    from core.api.serializers import JobSerializer
    from core.models import Job

    with translation.override("zh-hant"):
        job = jobs.create_job("test.kind", users.admin, message=jobs.text("Waiting to start."))
        jobs.set_progress(job.pk, message=jobs.text("Checking every row…"))
        jobs.finish(job.pk, message=jobs.text("%(n)d rows imported.", n=3), result={"rows": 3})
    job = Job.objects.get(pk=job.pk)
    assert job.result["rows"] == 3
    with translation.override("zh-hant"):
        assert job.display_message == job.message != "3 rows imported."
    with translation.override("en"):
        assert job.display_message == "3 rows imported."
        assert JobSerializer(job).data["message"] == "3 rows imported."
    # plain text (an older job, or a caller that did not use jobs.text) reads as written
    jobs.set_progress(job.pk, message="ok")
    job.refresh_from_db()
    with translation.override("en"):
        assert job.display_message == "ok" and job.result["rows"] == 3


def test_a_job_error_reads_in_the_readers_language(users):
    from core import jobs
    from core.models import Job

    job = jobs.create_job("test.kind", users.admin)
    with translation.override("zh-hant"):
        jobs.fail(
            job.pk,
            jobs.text("%(n)d problem(s) found; nothing was imported. Correct the file and upload it again.", n=2),
        )
    job = Job.objects.get(pk=job.pk)
    with translation.override("en"):
        assert job.display_error.startswith("2 problem(s) found")
    assert "2" in job.error and "problem" not in job.error
