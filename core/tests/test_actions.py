"""The workflow mechanism: permission first, then state, then guards; guarded update; named event; on commit."""

import pytest
from django.http import Http404

from core import events
from core.actions import Action, ActionRefused, Refusal
from core.choices import JobStatus
from core.models import AuditEvent, Job

STARTED = events.register("core.testjob.started", "測試作業開始")


class StartJob(Action):
    event = STARTED.name
    permission = "core.change_job"
    from_states = {JobStatus.QUEUED}
    to_state = JobStatus.RUNNING
    requires_note = False
    ran_after_commit: list = []

    def guard(self, user, obj, **params):
        if obj.kind == "forbidden":
            return [Refusal("law", "not by law", article="31")]
        return []

    def changes(self, user, obj, **params):
        return {"message": params.get("message", "")}

    def after_commit(self, user, obj, result, **params):
        self.ran_after_commit.append(obj.pk)


@pytest.mark.django_db(transaction=True)
def test_execute_moves_state_writes_named_event_and_runs_after_commit(users):
    job = Job.objects.create(kind="k")
    from django.contrib.auth.models import Permission

    users.staff.user_permissions.add(Permission.objects.get(codename="change_job"))
    staff = type(users.staff).objects.get(pk=users.staff.pk)
    StartJob.ran_after_commit = []
    StartJob().execute(staff, job, note="go", message="hello")
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and job.message == "hello"
    event = AuditEvent.objects.get(event="core.testjob.started")
    assert (event.before, event.after, event.username, event.message) == (
        {"status": "queued"},
        {"status": "running"},
        staff.username,
        "go",
    )
    assert StartJob.ran_after_commit == [job.pk]
    # A second run starts from the wrong state: 409, nothing written.
    check = StartJob().check(staff, job)
    assert check.status == 409 and check.refusals[0].code == "state"
    with pytest.raises(ActionRefused):
        StartJob().execute(staff, job)
    assert AuditEvent.objects.filter(event="core.testjob.started").count() == 1


@pytest.mark.django_db
def test_permission_comes_before_state_and_guard(users):
    job = Job.objects.create(kind="forbidden", status=JobStatus.FAILED)
    check = StartJob().check(users.township, job)
    assert check.status == 403 and [r.code for r in check.refusals] == ["permission"]


@pytest.mark.django_db
def test_guard_refusal_cites_article_and_changes_nothing(users):
    from django.contrib.auth.models import Permission

    users.staff.user_permissions.add(Permission.objects.get(codename="change_job"))
    staff = type(users.staff).objects.get(pk=users.staff.pk)
    job = Job.objects.create(kind="forbidden")
    with pytest.raises(ActionRefused) as refused:
        StartJob().execute(staff, job)
    assert refused.value.status_code == 409
    assert refused.value.as_dict()["reasons"][0]["article"] == "31"
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    assert not AuditEvent.objects.filter(event="core.testjob.started").exists()


@pytest.mark.django_db
def test_missing_object_is_404(users):
    job = Job.objects.create(kind="k")
    Job.objects.filter(pk=job.pk).delete()
    with pytest.raises(Http404):
        StartJob().execute(users.admin, job)


def test_event_names_are_declared_once():
    assert events.register("core.testjob.started", "測試作業開始") is STARTED
    with pytest.raises(ValueError):
        events.register("core.testjob.started", "another label")
    with pytest.raises(ValueError):
        events.register("Bad", "x")
    with pytest.raises(KeyError):
        events.get("core.nothing.here")
