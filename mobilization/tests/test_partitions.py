"""Candidates stored as one partition per order (migration 0006, mobilization/partitions.py)."""

import datetime

import pytest
from django.db import connection

from core.exceptions import TransitionRefused
from mobilization import partitions, services
from mobilization.models import CallUpOrder, Candidate

from .helpers import make_reservist, serve

pytestmark = pytest.mark.django_db
D = datetime.date


def tables_of(order_id) -> list[str]:
    with connection.cursor() as cur:
        return partitions.partitions_of(cur, order_id)


def table_exists(name) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
        return cur.fetchone()[0]


def selecting_order(**kw) -> CallUpOrder:
    fields = {"mobilization_type": "educational", "title": "p", "report_date": D(2024, 3, 15), "days": 5, "quota": 2}
    return CallUpOrder.objects.create(status="selecting", **{**fields, **kw})


@pytest.fixture
def people():
    fresh = make_reservist(retired=D(2020, 1, 1))
    old = make_reservist(retired=D(2010, 1, 1))
    busy = make_reservist(retired=D(2021, 1, 1))
    for year in (2021, 2022, 2023, 2024):
        serve(busy, "educational", D(year, 1, 5), 5)
    return fresh, old, busy


def test_a_selection_is_the_orders_own_partition_with_the_parents_indexes(people):
    order = selecting_order()
    assert services.run_selection(order.pk) == 3
    [table] = tables_of(order.pk)
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text, count(*) FROM mobilization_candidate GROUP BY 1")
        assert cur.fetchall() == [(table, 3)]
        # Every index of the parent has its counterpart in the partition, adopted by ATTACH (not built twice).
        cur.execute(
            """
            SELECT (SELECT count(*) FROM pg_index WHERE indrelid = 'mobilization_candidate'::regclass),
                   (SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass),
                   (SELECT count(*) FROM pg_index x JOIN pg_inherits i ON i.inhrelid = x.indexrelid
                    WHERE x.indrelid = %s::regclass)
            """,
            [table, table],
        )
        parent, own, attached = cur.fetchone()
    assert parent == own == attached == 3
    decisions = dict(Candidate.objects.filter(order=order).values_list("reservist_id", "decision"))
    fresh, old, busy = people
    assert decisions == {fresh.pk: "eligible", old.pk: "ineligible", busy.pk: "ineligible"}


def test_a_second_selection_replaces_the_partition_and_its_rows(people):
    order = selecting_order()
    services.run_selection(order.pk)
    [first] = tables_of(order.pk)
    first_ids = set(Candidate.objects.filter(order=order).values_list("pk", flat=True))
    make_reservist(retired=D(2022, 1, 1))
    CallUpOrder.objects.filter(pk=order.pk).update(status="selecting")
    assert services.run_selection(order.pk) == 4
    [second] = tables_of(order.pk)
    assert second != first and not table_exists(first)
    ids = set(Candidate.objects.filter(order=order).values_list("pk", flat=True))
    assert len(ids) == 4 and not ids & first_ids


def test_rows_of_the_order_in_the_default_partition_are_replaced_too(people):
    order = selecting_order()
    fresh = people[0]
    Candidate.objects.create(order=order, reservist=fresh, township=fresh.township, decision="later", policy_version=1)
    services.run_selection(order.pk)
    assert Candidate.objects.filter(order=order).count() == 3
    assert Candidate.objects.get(order=order, reservist=fresh).decision == "eligible"
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM mobilization_candidate_default WHERE order_id = %s", [order.pk])
        assert cur.fetchone()[0] == 0


def test_a_refused_selection_leaves_no_table_and_the_earlier_candidates(people):
    order = selecting_order()
    services.run_selection(order.pk)
    [kept] = tables_of(order.pk)
    before = set(Candidate.objects.filter(order=order).values_list("pk", "decision"))
    make_reservist(retired=D(2022, 1, 1))
    # The order is no longer `selecting` (cancelled meanwhile): the guarded update refuses, all rolls back.
    CallUpOrder.objects.filter(pk=order.pk).update(status="cancelled")
    with pytest.raises(TransitionRefused):
        services.run_selection(order.pk)
    assert tables_of(order.pk) == [kept]
    assert set(Candidate.objects.filter(order=order).values_list("pk", "decision")) == before
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE %s",
            [f"mobilization_candidate_o{order.pk}_%"],
        )
        assert cur.fetchone()[0] == 1


def test_a_person_added_by_hand_lands_in_the_orders_partition(users, people):
    order = selecting_order(created_by=users.staff)
    order.target_regions.set([people[0].township])
    services.run_selection(order.pk)
    order.refresh_from_db()
    outsider = make_reservist(retired=D(2020, 6, 1), township_code="100")
    candidate = services.add_candidate(user=users.staff, order=order, reservist=outsider, reason="專長需求")
    [table] = tables_of(order.pk)
    with connection.cursor() as cur:
        cur.execute("SELECT tableoid::regclass::text FROM mobilization_candidate WHERE id = %s", [candidate.pk])
        assert cur.fetchone()[0] == table
    assert candidate.added_manually and candidate.rank == 2


def test_the_selections_of_two_orders_are_apart(people):
    first, second = selecting_order(), selecting_order(mobilization_type="duty")
    services.run_selection(first.pk)
    services.run_selection(second.pk)
    assert tables_of(first.pk) != tables_of(second.pk)
    assert Candidate.objects.filter(order=first).count() == Candidate.objects.filter(order=second).count() == 3
    with connection.cursor() as cur:
        partitions.drop(cur, first.pk)
    assert not tables_of(first.pk) and Candidate.objects.filter(order=second).count() == 3


def reference_summary_rows(order_id):
    """The summary's counts as three ORM queries (how they were computed before the single GROUPING SETS scan)."""
    from django.db.models import Count, Q

    from mobilization.choices import Decision

    qs = Candidate.objects.filter(order_id=order_id)
    avail = Q(decision__in=[Decision.ELIGIBLE, Decision.LATER], excluded=False)
    agg = {d: Count("id", filter=Q(decision=d)) for d in Decision.values}
    rows_t = qs.values("township_id").annotate(total=Count("id"), available=Count("id", filter=avail), **agg)
    rows_s = qs.values("specialty").annotate(total=Count("id"), available=Count("id", filter=avail), **agg)
    key_t, key_s = (lambda r: r["township_id"]), (lambda r: str(r["specialty"]))
    return sorted(rows_t, key=key_t), sorted(rows_s, key=key_s), qs.filter(excluded=True).count()


def test_the_summary_counts_every_township_specialty_decision_and_exclusion_in_one_scan(people):
    from core.models import Region
    from mobilization.services.selection import summary_rows

    fresh, old, busy = people
    other_town = Region.objects.filter(level="township").exclude(pk=fresh.township_id).first()
    extra = make_reservist(retired=D(2019, 1, 1))
    extra.township = other_town
    extra.specialty = "medic"
    extra.save()
    order = selecting_order(quota=3)
    assert services.run_selection(order.pk) == 4
    Candidate.objects.filter(order=order, reservist=fresh).update(excluded=True, exclusion_reason="test")
    rows_t, rows_s, excluded = summary_rows(order.pk)
    ref_t, ref_s, ref_excluded = reference_summary_rows(order.pk)
    assert sorted(rows_t, key=lambda r: r["township_id"]) == ref_t
    assert sorted(rows_s, key=lambda r: str(r["specialty"])) == ref_s
    assert excluded == ref_excluded == 1
    assert len(ref_t) == 2 and len(ref_s) >= 2  # two townships and two specialties really were counted apart
    summary = services.compute_summary(order)
    assert summary["counts"]["total"] == 4 and summary["counts"]["excluded"] == 1
    assert summary["counts"]["ineligible"] >= 2  # the one retired too long ago and the one called four times
    assert summary["counts"]["available"] == summary["counts"]["eligible"] + summary["counts"]["later"] - 1


def test_the_selection_jobs_message_is_in_each_readers_language(people):
    from django.utils import translation

    from core.jobs import create_job
    from core.models import Job
    from mobilization.services.selection import select_candidates

    order = selecting_order()
    job = create_job("mobilization.selection", None, params={"order": order.pk, "language": "zh-hant"})
    select_candidates(job.pk, order.pk)
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded"
    with translation.override("en"):
        assert job.display_message == "3 people evaluated."
    with translation.override("zh-hant"):
        assert job.display_message != "3 people evaluated." and "3" in job.display_message
