"""The hot read paths written as SQL (issue 20's lookup rush) give what the ORM gave, in as few queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import override

from mobilization.models import RulePolicy
from mobilization.services import policy_for, publish_policy
from mobilization.services.notice_pdf import TITLES
from mobilization.tests.test_notice_pages import add_notices, make_order
from reservists.models import ReserveUnit, ServiceRecord
from selfservice import codes, services, sessions
from selfservice.choices import Purpose
from selfservice.models import Challenge, ReservistSession

from .helpers import person_with_notice

pytestmark = pytest.mark.django_db


def test_callups_of_equals_the_orm_rows_newest_first_with_and_without_a_unit():
    me, first = person_with_notice()
    later = make_order(title="117年教育召集", report_date=datetime.date(2028, 3, 15), mobilization_type="roll_call")
    (second,) = add_notices(later, "220", 1)
    second.reservist = me
    second.reserve_unit = None
    second.attendance = "present"
    second.save()
    # One row with a unit, one without (both sides of the LEFT JOIN).
    first.reserve_unit = ReserveUnit.objects.create(
        code="U-T1", name="第一後備營", region=first.township, assembly_point="新北市板橋區營區路1號"
    )
    first.save()
    expected = [services.callup(n) for n in services.notices_of(me)]
    with CaptureQueriesContext(connection) as queries:
        rows = services.callups_of(me)
    assert rows == expected
    assert [r["id"] for r in rows] == [second.pk, first.pk]
    assert rows[0]["unit"] == "" and rows[0]["can_postpone"] is False
    assert rows[1]["unit"] == "第一後備營" and rows[1]["unit_address"] == "新北市板橋區營區路1號"
    assert len(queries) == 1


def test_callups_of_someone_without_notices_is_empty():
    me, notice = person_with_notice()
    notice.delete()
    assert services.callups_of(me) == []


def test_service_record_counts_each_kind_and_temporary_days():
    me, _notice = person_with_notice(retirement_date=datetime.date(2020, 1, 1))
    for kind, day, days in (
        ("educational", datetime.date(2022, 3, 1), 5),
        ("duty", datetime.date(2023, 3, 1), 3),
        ("roll_call", datetime.date(2023, 6, 1), 1),
        ("temporary", datetime.date(2024, 1, 1), 10),
        ("temporary", datetime.date(2024, 6, 1), 7),
    ):
        ServiceRecord.objects.create(reservist=me, mobilization_type=kind, start_date=day, days=days)
    assert services.service_record(me) == [
        "教育召集與勤務召集合計已參加 2 次，依第27條 退伍8年內至多4次，至 民國117年1月1日止。",
        "點閱召集已參加 1 次，依第28條 退伍8年內至多1次，至 民國117年1月1日止。",
        "臨時召集已在營 17 日，依第26條 平時累計至多365日。",
    ]


def test_policy_for_follows_a_newly_published_version_at_once(users):
    day = datetime.date(2031, 6, 1)
    before = policy_for(day)
    assert before == RulePolicy.objects.in_force_on(day)
    published = publish_policy(user=users.admin, effective_from=datetime.date(2031, 1, 1), edu_max_times=9)
    now = policy_for(day)
    assert now.pk == published.pk and now.edu_max_times == 9 and now.version == before.version + 1
    assert policy_for(datetime.date(2030, 12, 31)).pk == before.pk  # not yet in force the day before


def test_session_load_is_one_query_with_the_reservist_and_ends_idle_sessions(settings):
    me, _notice = person_with_notice()
    token, started = sessions.start(me, "code")
    with CaptureQueriesContext(connection) as queries:
        loaded = sessions.load(token)
    assert len(queries) == 1
    assert loaded.pk == started.pk and loaded.reservist == me
    assert loaded.reservist.national_id == me.national_id and loaded.reservist.birth_date == me.birth_date
    assert sessions.load(token + "x") is None
    ReservistSession.objects.filter(pk=started.pk).update(
        last_seen_at=timezone.now() - sessions.idle_limit() - datetime.timedelta(seconds=1)
    )
    assert sessions.load(token) is None
    assert ReservistSession.objects.get(pk=started.pk).ended_at is not None
    assert sessions.load(token) is None  # an ended session stays ended


def test_callup_labels_are_the_display_values_in_the_reader_language():
    _me, notice = person_with_notice()
    labels = {}
    for language in ("zh-hant", "en"):
        with override(language):
            row = services.callup(notice)
            assert row["status_label"] == str(notice.get_status_display())
            assert row["title"] == str(TITLES[notice.order.mobilization_type])
            labels[language] = row["status_label"]
    assert labels["zh-hant"] != labels["en"]  # read per request in its language, not fixed once
    notice.status = "retired-status"
    assert services.callup(notice)["status_label"] == "retired-status"  # as get_status_display(): the value


def test_insert_written_once_stores_what_save_stores_and_gives_way_to_signal_listeners():
    me, _notice = person_with_notice()
    token, code, challenge = codes.issue(purpose=Purpose.SIGN_IN, reservist_id=me.pk, backend="code")
    stored = Challenge.objects.get(pk=challenge.pk)
    assert challenge.pk is not None and not challenge._state.adding
    assert stored.tries == 0 and stored.used_at is None and stored.reservist_id == me.pk
    assert stored.created_at == challenge.created_at and stored.expires_at == challenge.expires_at
    assert codes.redeem(token, code, purpose=Purpose.SIGN_IN)[0] == codes.Outcome.OK
    assert codes.redeem(token, code, purpose=Purpose.SIGN_IN)[0] == codes.Outcome.GONE  # single use
    seen = []

    def listener(sender, instance, created, **kwargs):
        seen.append((instance.pk, created))

    post_save.connect(listener, sender=ReservistSession)
    try:
        _token, session = sessions.start(me, "code")
    finally:
        post_save.disconnect(listener, sender=ReservistSession)
    assert seen == [(session.pk, True)]  # the ORM's save ran, so its signals were sent
