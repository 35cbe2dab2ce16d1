"""Faults: the database connection dies in the middle of an import (its backend killed for real with
pg_terminate_backend from a second connection). Nothing of the file is committed, the job says clearly what
happened in the starter's language, and the next request and import work on a fresh connection."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.urls import reverse

from civil_defense.models import Member
from civil_defense.tests.factories import make_position, make_team
from civil_defense.tests.factories import national_id as member_id
from core import importing, jobs
from core.choices import JobStatus
from core.models import AuditEvent, Job
from core.testing import connection_lost_after, logged_in
from reservists.models import Reservist
from reservists.tests.factories import national_id as reservist_id

pytestmark = pytest.mark.django_db(transaction=True)

LOST = "資料庫連線在作業進行中中斷"  # the start of the translated message (zh-Hant, the starter's language)


@pytest.fixture
def queued(monkeypatch):
    """Jobs are queued, not run: the test runs the task itself, as a worker would, to kill its connection."""
    sent = []
    monkeypatch.setattr(jobs, "enqueue", lambda job, task, *a, **kw: sent.append(job.pk))
    return sent


def upload(content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("people.csv", content)


def reservist_file(ids) -> bytes:
    header = "national_id,name,birth_date,category,branch,retirement_date,township\n"
    return (header + "".join(f"{nid},王大明,1990-01-02,reservist,army,2012-03-04,220\n" for nid in ids)).encode()


def member_file(ids) -> bytes:
    return ("national_id,name,position\n" + "".join(f"{nid},王小明,分隊員\n" for nid in ids)).encode()


def run_killed(job_pk: int, statement: str, after: int = 1):
    """Run the import task with its connection killed after the `after`-th `statement`."""
    before = connection.connection.get_backend_pid() if connection.connection else None
    with connection_lost_after(statement, after=after) as kill, pytest.raises(DatabaseError) as raised:
        importing.run_import(job_pk)
    assert kill.killed_pid is not None, "the import never reached the statement to cut"
    assert before in (None, kill.killed_pid)
    return raised.value


def assert_failed_clearly(job_pk: int):
    job = Job.objects.get(pk=job_pk)  # on a fresh connection: the killed one is gone
    assert job.status == JobStatus.FAILED
    assert job.error.startswith(LOST), job.error
    assert "Traceback" not in job.error and "server closed" not in job.error and "terminating" not in job.error
    assert job.finished_at is not None
    return job


def test_reservist_import_cut_mid_write_commits_nothing_and_says_so(users, queued):
    ids = [reservist_id("H") for _ in range(300)]
    client = logged_in(users.staff)
    audit_before = AuditEvent.objects.filter(table_name="reservists_reservist").count()
    response = client.post(reverse("reservists:import"), {"kind": "reservists", "file": upload(reservist_file(ids))})
    assert response.status_code == 302 and queued
    job_pk = queued[0]

    # The INSERT ... SELECT has put all 300 rows (and their audit rows) in the transaction; then the link dies.
    run_killed(job_pk, "INSERT INTO reservists_reservist")

    assert not Reservist.objects.filter(national_id__in=ids).exists()
    assert AuditEvent.objects.filter(table_name="reservists_reservist").count() == audit_before  # rolled back too
    assert_failed_clearly(job_pk)
    page = client.get(reverse("reservists:import-job", args=[job_pk]))
    assert page.status_code == 200
    assert LOST in page.content.decode()

    # The portal goes on: the same file imported again succeeds on the new connection.
    queued.clear()
    client.post(reverse("reservists:import"), {"kind": "reservists", "file": upload(reservist_file(ids))})
    importing.run_import(queued[0])
    assert Job.objects.get(pk=queued[0]).status == JobStatus.SUCCEEDED
    assert Reservist.objects.filter(national_id__in=ids).count() == 300


def test_roster_import_cut_between_batches_commits_nothing(users, queued):
    team = make_team()
    make_position(team, "分隊員", 2000)  # positions come from the team's establishment
    ids = [member_id() for _ in range(1500)]  # two INSERT batches of up to 1000 rows
    client = logged_in(users.county_a)
    url = reverse("civil_defense:roster-import", args=[team.pk])
    response = client.post(url, {"file": upload(member_file(ids))})
    assert response.status_code == 302 and queued
    job_pk = queued[0]

    # The first 1000 members are written inside the transaction, then the connection dies before the rest.
    run_killed(job_pk, 'INSERT INTO "civil_defense_member"', after=1)

    assert not Member.objects.filter(team=team).exists()
    assert_failed_clearly(job_pk)
    page = client.get(reverse("civil_defense:roster-import-result", args=[team.pk, job_pk]))
    assert page.status_code == 200 and LOST in page.content.decode()

    queued.clear()
    client.post(url, {"file": upload(member_file(ids))})
    importing.run_import(queued[0])
    assert Job.objects.get(pk=queued[0]).status == JobStatus.SUCCEEDED
    assert Member.objects.filter(team=team).count() == 1500


def test_a_refused_statement_is_not_called_a_lost_connection(users):
    """A statement timeout fails the job with the database's own reason; the connection stays and is reused."""
    job = jobs.create_job("test", users.staff)
    pid = connection.connection.get_backend_pid() if connection.connection else None
    with pytest.raises(DatabaseError), jobs.running(job.pk), connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 1")
        try:
            cursor.execute("SELECT pg_sleep(1)")
        finally:
            cursor.execute("SET statement_timeout = 0")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "statement timeout" in job.error and not job.error.startswith(LOST)
    assert pid is None or connection.connection.get_backend_pid() == pid
