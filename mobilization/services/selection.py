"""Set-based selection: the rules of rules.py for a whole target population in one INSERT ... SELECT.

Every check of `rules.evaluate` appears here as a SQL condition over aggregates of the service records
and grants, and the reasons are built as the same JSON objects in the same order, so the stored decision of
each person equals the one-person engine's (tests/test_bulk_property.py checks this on random registries).
Only constants from the policy and the order enter the SQL, all as parameters.

Where the time goes over a million people (EXPLAIN ANALYZE, see bench/bench_mobilization.py), and so the shape:
- reasons: each one is JSON text (its constant parts, serialised here, are parameters) joined per row and
  parsed once into jsonb, only for the rows that have any; building nested jsonb objects per row cost twice as much;
- the rank order (decision, retirement date descending, id) is one bigint key and the id, so the sort compares
  integers instead of falling through three keys on every tie of the four decisions;
- the service records are aggregated with only the sum the type needs (the WHERE keeps only the types that
  count), and the smaller aggregate is the hashed side of the join; the reasons are built above the sort.
"""

from __future__ import annotations

import datetime
import json

from celery import shared_task
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from core.jobs import create_job, enqueue
from core.models import Job, Region
from core.scope import get_scope
from reservists.models import PriorityGrant, Reservist, ServiceRecord

from .. import events, rules
from ..choices import SELECTABLE_STATUSES, Decision, OrderStatus
from ..models import CallUpOrder, Candidate
from .orders import OrderAction
from .policy import policy_for

# The decisions in rank order: dorder 0..3 in the SQL is an index into this tuple.
_DORDER = (rules.ELIGIBLE, rules.LATER, rules.SUCCESSIVE, rules.INELIGIBLE)


class _Expr:
    """A value of a reason computed per row: `sql` gives its JSON text, or with `quoted` the text inside the
    quotes of a JSON string that needs no escaping."""

    def __init__(self, sql: str, quoted: bool = False):
        self.sql = sql
        self.quoted = quoted


def _number(sql: str) -> _Expr:
    return _Expr(f"({sql})::text")


def _string(sql: str) -> _Expr:
    return _Expr(f"to_json(({sql})::text)::text")


def _iso_date(sql: str) -> _Expr:
    """A date as "YYYY-MM-DD" (digits and dashes only: no escaping needed)."""
    return _Expr(f"to_char({sql}, 'YYYY-MM-DD')", quoted=True)


class _Reasons:
    """The reasons of rules.evaluate as (condition, SQL giving the reason's JSON text), in the engine's order."""

    def __init__(self, params: dict):
        self.params = params
        self.items: list[tuple[str, str]] = []

    def add(self, cond: str, article: str, code, item: str | None, effect: str = rules.INELIGIBLE, **values) -> None:
        exprs: list[_Expr] = []

        def mark(value):
            if isinstance(value, _Expr):
                exprs.append(value)
                return f"@@{len(exprs) - 1}@@"
            return value

        obj = {
            "article": article,
            "item": item,
            "code": mark(code),
            "effect": effect,
            "params": {k: mark(v) for k, v in values.items()},
        }
        text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))  # no spaces to parse
        parts = []
        for i, expr in enumerate(exprs):
            # The constant text around a per-row value, its quotes included when the value is written inside them.
            before, text = text.split(f"@@{i}@@" if expr.quoted else f'"@@{i}@@"', 1)
            parts += [self._const(before), expr.sql]
        parts.append(self._const(text))
        self.items.append((cond, " || ".join(parts)))

    def _const(self, text: str) -> str:
        key = f"j{len(self.params)}"
        self.params[key] = text
        return f"%({key})s::text"

    def sql(self, grants: str) -> str:
        """jsonb: the array of the reasons that apply, then the grants' (text, NULL without any)."""
        pieces = [f"CASE WHEN {cond} THEN {text} END" for cond, text in self.items] + [grants]
        return f"coalesce(('[' || nullif(concat_ws(',', {', '.join(pieces)}), '') || ']')::jsonb, '[]'::jsonb)"


def window_cutoff(start, years: int):
    """The earliest retirement date whose N-th anniversary (rules.add_years) is on or after `start`."""
    day = rules.add_years(start, -years)
    while rules.add_years(day, years) < start:
        day += datetime.timedelta(days=1)
    while rules.add_years(day - datetime.timedelta(days=1), years) >= start:
        day -= datetime.timedelta(days=1)
    return day


def build_sql(
    *,
    order_id,
    proposal: rules.Proposal,
    policy: rules.PolicyParams,
    overrides: rules.Overrides | None,
    townships=None,
    branches=None,
    categories=None,
    specialties=None,
    reservist_ids=None,
    added_manually: bool = False,
    bare: bool = False,
    table: str | None = None,
):
    """(sql, params) inserting the candidates of the target population for `order_id`.

    The conditions are written over the columns of `d` (status, retirement_date, n, temp_days), so the same
    text decides in `d` and explains in the final SELECT.
    """
    params: dict = {
        "order": order_id,
        "start": proposal.start_date,
        "days": proposal.days,
        "pv": policy.version,
        "manual": added_manually,
    }
    r_table = Reservist._meta.db_table
    s_table = ServiceRecord._meta.db_table
    g_table = PriorityGrant._meta.db_table
    c_table = table or Candidate._meta.db_table

    where = ["TRUE"]
    for column, values, key in (
        ("township_id", townships, "townships"),
        ("branch", branches, "branches"),
        ("category", categories, "categories"),
        ("specialty", specialties, "specialties"),
        ("id", reservist_ids, "ids"),
    ):
        if values:
            where.append(f"r.{column} = ANY(%({key})s)")
            params[key] = list(values)

    kind = proposal.mobilization_type
    reasons = _Reasons(params)
    reasons.add("status <> 'active'", "24", _string("'registry.' || status"), "1")
    inel = ["status <> 'active'"]
    # The earlier service that counts: Temporary days towards Art. 26, or the call-ups of Art. 27/28 by number.
    params["relevant"] = [rules.TEMPORARY] if kind == rules.TEMPORARY else list(rules.counted_types(kind, policy))

    if kind == rules.TEMPORARY:
        if proposal.wartime:
            reasons.add("TRUE", "26", "art26.wartime_as_general", "2", "info")
        else:
            params["cap"] = policy.temporary_cap_days
            cond = "coalesce(temp_days, 0) + %(days)s > %(cap)s"
            inel.append(cond)
            reasons.add(
                cond,
                "26",
                "art26.cap_exceeded",
                "2",
                served=_number("coalesce(temp_days, 0)"),
                days=proposal.days,
                cap=policy.temporary_cap_days,
            )

    lim = rules.limits(kind, policy, overrides)
    if lim is not None:
        article, (p_window, p_times, p_days), (e_window, e_times, e_days) = lim
        pfx = f"art{article}"
        params.update(e_window=e_window, e_times=e_times, p_times=p_times)
        # "start > retirement + N years" as a plain comparison with the first retirement date still inside.
        params["e_cutoff"] = window_cutoff(proposal.start_date, e_window)
        params["p_cutoff"] = window_cutoff(proposal.start_date, p_window)
        expired = "retirement_date < %(e_cutoff)s"
        inel.append(expired)
        reasons.add(
            expired,
            article,
            f"{pfx}.window_expired",
            None,
            years=e_window,
            until=_iso_date("(retirement_date + make_interval(years => %(e_window)s))::date"),
        )
        # Only a raised window has people between the two cut-offs (the effective window is never shorter).
        if params["p_cutoff"] > params["e_cutoff"]:
            reasons.add(
                f"NOT ({expired}) AND retirement_date < %(p_cutoff)s",
                article,
                f"{pfx}.window_override",
                None,
                "info",
                years=e_window,
            )
        # The number of days is the order's, the same for everyone: decided here, in Python.
        if proposal.days > e_days:
            inel.append("TRUE")
            reasons.add("TRUE", article, f"{pfx}.days_exceeded", None, days=proposal.days, max=e_days)
        elif proposal.days > p_days:
            reasons.add("TRUE", article, f"{pfx}.days_override", None, "info", days=proposal.days, max=e_days)
        n = "coalesce(n, 0)"
        too_many = f"{n} + 1 > %(e_times)s"
        inel.append(too_many)
        reasons.add(too_many, article, f"{pfx}.count_exceeded", None, count=_number(n), max=e_times)
        # Likewise only a raised number of times has people between the two limits.
        if e_times > p_times:
            reasons.add(
                f"NOT ({too_many}) AND {n} + 1 > %(p_times)s",
                article,
                f"{pfx}.count_override",
                None,
                "info",
                count=_number(n),
                max=e_times,
            )

    inel_sql = " OR ".join(f"({c})" for c in inel)
    needs_services = kind in (rules.TEMPORARY, rules.EDUCATIONAL, rules.DUTY, rules.ROLL_CALL) and not (
        kind == rules.TEMPORARY and proposal.wartime
    )
    restrict_services = "AND sr.reservist_id IN (SELECT id FROM t)" if len(where) > 1 else ""
    # Only what the type needs: the Temporary days served (Art. 26), or the number of earlier call-ups (27/28).
    sums = (
        "NULL::bigint AS n, sum(sr.days) AS temp_days"
        if kind == rules.TEMPORARY
        else "count(*) AS n, NULL::bigint AS temp_days"
    )
    services_cte = (
        f"""
        s AS (
            SELECT sr.reservist_id, {sums}
            FROM {s_table} sr
            WHERE sr.start_date < %(start)s AND sr.mobilization_type = ANY(%(relevant)s) {restrict_services}
            GROUP BY sr.reservist_id
        ),"""
        if needs_services
        else "s AS (SELECT NULL::bigint AS reservist_id, 0 AS n, 0 AS temp_days WHERE FALSE),"
    )
    params["decisions"] = list(_DORDER)
    sql = f"""
    WITH t AS (
        SELECT r.id, r.township_id, r.specialty, r.status, r.retirement_date
        FROM {r_table} r WHERE {" AND ".join(where)}
    ),
    {services_cte}
    g AS (
        SELECT x.reservist_id,
               string_agg(jsonb_build_object(
                   'article', substr(x.basis, 4, 2), 'item', split_part(x.basis, '.', 2), 'code', x.basis,
                   'effect', x.kind, 'params', '{{}}'::jsonb)::text, ',' ORDER BY x.basis, x.kind) AS reasons,
               bool_or(x.kind = 'successive') AS succ,
               bool_or(x.kind = 'later') AS lat
        FROM (
            SELECT DISTINCT pg.reservist_id, pg.basis, pg.kind FROM {g_table} pg
            WHERE pg.valid_from <= %(start)s AND (pg.valid_until IS NULL OR pg.valid_until >= %(start)s)
              {"AND pg.reservist_id IN (SELECT id FROM t)" if len(where) > 1 else ""}
        ) x
        GROUP BY x.reservist_id
    ),
    d AS (
        SELECT id, township_id, specialty, status, retirement_date, n, temp_days, grants, dorder,
               -- dorder, retirement_date DESC as one integer (dates are days in int4 range; the id breaks ties)
               (dorder::bigint << 32) - (retirement_date - DATE '2000-01-01') AS sortkey
        FROM (
            SELECT t.id, t.township_id, t.specialty, t.status, t.retirement_date, s.n, s.temp_days,
                   g.reasons AS grants,
                   CASE WHEN {inel_sql} THEN 3 WHEN g.succ THEN 2 WHEN g.lat THEN 1 ELSE 0 END AS dorder
            FROM t LEFT JOIN s ON s.reservist_id = t.id LEFT JOIN g ON g.reservist_id = t.id
        ) j
    ),
    ranked AS (
        SELECT d.*, row_number() OVER (ORDER BY d.sortkey, d.id) AS position
        FROM d
    )
    """
    columns = {
        "order_id": "%(order)s",
        "reservist_id": "id",
        "township_id": "township_id",
        "specialty": "specialty",
        "decision": "(%(decisions)s::text[])[dorder + 1]",
        "reasons": reasons.sql("grants"),
        "rank": "CASE WHEN dorder <= 1 THEN position END",
        "policy_version": "%(pv)s",
        "excluded": "FALSE",
        "exclusion_reason": "''",
        "added_manually": "%(manual)s",
        "added_reason": "''",
    }
    if bare:  # the same decisions without storing them (benchmark of the query alone)
        return (
            sql
            + f"""
    , c AS (SELECT {", ".join(f"{v} AS {k}" for k, v in columns.items())} FROM ranked)
    SELECT count(*), count(*) FILTER (WHERE decision = 'eligible'), sum(jsonb_array_length(reasons)), max(rank)
    FROM c
    """,
            params,
        )
    sql += f"""
    INSERT INTO {c_table} ({", ".join(columns)})
    SELECT {", ".join(columns.values())}
    FROM ranked ORDER BY sortkey, id  -- the window's order: no second sort
    """
    return sql, params


def tune(cursor) -> None:
    """Session settings for this statement, local to the transaction: hash aggregates and in-memory sorts over
    a million rows instead of index walks and disk merges; JIT compiling costs more than it saves here."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL jit = off")


def insert_candidates(**kwargs) -> int:
    """Insert into the candidates table (routed to the order's partition): for a few people added by hand."""
    sql, params = build_sql(**kwargs)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            tune(cursor)
        cursor.execute(sql, params)
        return cursor.rowcount


def store_candidates(*, order_id, **kwargs) -> int:
    """Replace the order's candidates by the target population's, written as a new partition (partitions.py):
    rows into an unindexed table, indexes and statistics built afterwards, then attached. In a transaction."""
    from .. import partitions

    if not connection.in_atomic_block:
        raise RuntimeError("store_candidates must run in a transaction")
    with connection.cursor() as cursor:
        tune(cursor)
        name = partitions.create(cursor, order_id)
        sql, params = build_sql(order_id=order_id, table=name, **kwargs)
        cursor.execute(sql, params)
        count = cursor.rowcount
        partitions.build_indexes(cursor, name)
        partitions.analyze(cursor, name)
        partitions.attach(cursor, order_id, name)
    return count


# ----- running the selection (the order's steps around the engine above) ------------------------


def target_township_ids(order: CallUpOrder) -> list[int] | None:
    """Townships targeted (a county covers its townships); None = nationwide."""
    regions = list(order.target_regions.all())
    if not regions:
        return None
    ids = {r.pk for r in regions if r.level == "township"}
    counties = [r.pk for r in regions if r.level == "county"]
    if counties:
        ids |= set(Region.objects.filter(parent_id__in=counties).values_list("id", flat=True))
    return sorted(ids)


class StartSelection(OrderAction):
    event = events.ORDER_SELECTION_STARTED.name
    label = gettext_lazy("Run selection")
    permission = "mobilization.select_calluporder"
    from_states = SELECTABLE_STATUSES
    to_state = OrderStatus.SELECTING
    verb = gettext_lazy("selected")

    def effect(self, user, obj, **params):
        from django.utils.translation import get_language

        # The job's messages are written in the starter's language (the page polls and shows them).
        job = create_job("mobilization.selection", user, params={"order": obj.pk, "language": get_language()})
        CallUpOrder.objects.filter(pk=obj.pk).update(selection_job=job)
        obj.selection_job = job
        enqueue(job, select_candidates, obj.pk)
        return job

    def describe(self, obj, **params) -> dict:
        return {"selection_job": obj.selection_job_id}


class FinishSelection(OrderAction):
    """The system's step once the selection job has stored the candidates (no person, no permission)."""

    event = events.ORDER_SELECTED.name
    permission = None
    scoped = False
    anonymous_allowed = True
    within_area = False
    from_states = {OrderStatus.SELECTING}
    to_state = OrderStatus.SELECTED

    def changes(self, user, obj, *, policy, summary, **params) -> dict:
        return {"policy": policy, "summary": summary, "selected_at": timezone.now()}

    def describe(self, obj, **params) -> dict:
        return {"candidates": params.get("count"), "policy": obj.policy_id}


class FailSelection(OrderAction):
    event = events.ORDER_SELECTION_FAILED.name
    permission = None
    scoped = False
    anonymous_allowed = True
    within_area = False
    from_states = {OrderStatus.SELECTING}
    to_state = OrderStatus.FAILED


SELECT = StartSelection()


def start_selection(*, user, order: CallUpOrder, comment: str = ""):
    return SELECT.execute(user, order, note=comment)


def run_selection(order_id: int, job_id: int | None = None) -> int:
    """The selection itself (called by the Celery task): replace the order's candidates in one transaction."""
    from core import jobs

    order = CallUpOrder.objects.get(pk=order_id)
    policy = policy_for(order.report_date)
    with transaction.atomic():
        if job_id:
            from django.utils import translation

            with translation.override(job_language(job_id)):
                evaluating = jobs.text(gettext_noop("Evaluating the target population"))
            jobs.set_progress(job_id, done=0, total=2, message=evaluating)
        # A new partition replaces the order's earlier candidates, indexed and analysed (selection.py).
        count = store_candidates(
            order_id=order.pk,
            proposal=order.proposal(),
            policy=policy.params(),
            overrides=order.overrides(),
            townships=target_township_ids(order),
            branches=order.target_branches,
            categories=order.target_categories,
            specialties=order.target_specialties,
        )
        FinishSelection().execute(None, order, policy=policy, summary=compute_summary(order), count=count)
    return count


def job_language(job_id: int) -> str:
    """The language of the person who started the job (its messages are shown to them), else the default."""
    from django.conf import settings

    language = Job.objects.filter(pk=job_id).values_list("params__language", flat=True).first()
    return language or settings.LANGUAGE_CODE


def selection_failed(order_id: int, error: str) -> None:
    order = CallUpOrder.objects.filter(pk=order_id).first()
    action = FailSelection()
    if order is not None and action.check(None, order):
        action.execute(None, order, note=error)


@shared_task(name="mobilization.tasks.select_candidates", acks_late=True)
def select_candidates(job_id: int, order_id: int) -> None:
    """Evaluate the order's target population and store its candidates (idempotent: it replaces them)."""
    from core import jobs

    try:
        with jobs.running(job_id):
            count = run_selection(order_id, job_id)
            from django.utils import translation

            with translation.override(job_language(job_id)):
                done = jobs.text(gettext_noop("%(count)s people evaluated."), count=f"{count:,}")
            jobs.set_progress(job_id, done=2, total=2, message=done)
    except Exception as exc:
        selection_failed(order_id, str(exc) or type(exc).__name__)
        if not eager():
            raise


def eager() -> bool:
    from django.conf import settings

    return bool(getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False))


def summary_rows(order_id: int) -> tuple[list[dict], list[dict], int]:
    """Per township and per specialty: total, available and one count per decision; and the excluded total.

    One scan of the order's candidates (GROUPING SETS), not three: over a nationwide selection each scan of its
    million rows costs about 0.3 s, and the summary is computed inside the selection's transaction."""
    decisions = list(Decision.values)
    per_decision = ", ".join(f"count(*) FILTER (WHERE decision = %s) AS {d}" for d in decisions)
    sql = f"""
        SELECT grouping(township_id) AS g_t, grouping(specialty) AS g_s, township_id, specialty,
               count(*) AS total,
               count(*) FILTER (WHERE decision = ANY(%s) AND NOT excluded) AS available,
               count(*) FILTER (WHERE excluded) AS excluded,
               {per_decision}
        FROM {Candidate._meta.db_table}
        WHERE order_id = %s
        GROUP BY GROUPING SETS ((township_id), (specialty), ())
    """
    params = [[Decision.ELIGIBLE, Decision.LATER], *decisions, order_id]
    rows_t, rows_s, excluded = [], [], 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for g_t, g_s, township_id, specialty, total, available, n_excluded, *counts in cursor.fetchall():
            row = {"total": total, "available": available, **dict(zip(decisions, counts, strict=True))}
            if not g_t:
                rows_t.append({"township_id": township_id, **row})
            elif not g_s:
                rows_s.append({"specialty": specialty, **row})
            else:
                excluded = n_excluded
    return rows_t, rows_s, excluded


def compute_summary(order: CallUpOrder) -> dict:
    """Counts per decision, and per township and specialty with the shortfall against the quota.

    The quota is shared between townships in proportion to how many people each one has in the target;
    a township's shortfall is its share minus the people it can supply (eligible or later, not excluded).
    """
    rows_t, rows_s, excluded = summary_rows(order.pk)
    counts = {d: sum(r[d] for r in rows_t) for d in Decision.values}
    counts["total"] = sum(r["total"] for r in rows_t)
    counts["available"] = sum(r["available"] for r in rows_t)
    counts["excluded"] = excluded

    def shares(rows, key):
        total = counts["total"] or 1
        out = []
        for r in rows:
            share = round(order.quota * r["total"] / total)
            out.append({**r, "share": share, "shortfall": max(0, share - r["available"])})
        # Largest shortfalls first: that is what the reviewer acts on.
        return sorted(out, key=lambda r: (-r["shortfall"], str(r[key])))

    return {
        "counts": counts,
        "quota": order.quota,
        "shortfall": max(0, order.quota - counts["available"]),
        "by_township": shares(rows_t, "township_id"),
        "by_specialty": shares(rows_s, "specialty"),
    }


def visible_summary(user, order) -> dict:
    """The stored summary for nationwide readers; for regional ones, only their townships' rows and totals (the
    page and the API alike: a figure never counts people outside the reader's scope)."""
    summary = order.summary or {}
    if not summary or get_scope(user).nation:
        return summary
    ids = get_scope(user).region_ids
    towns = [row for row in summary.get("by_township", []) if row["township_id"] in ids]
    counts = {d: sum(r[d] for r in towns) for d in Decision.values}
    counts.update(total=sum(r["total"] for r in towns), available=sum(r["available"] for r in towns), excluded=None)
    return {"counts": counts, "quota": summary.get("quota"), "by_township": towns, "by_specialty": []}


def refresh_summary(order: CallUpOrder) -> None:
    order.summary = compute_summary(order)
    CallUpOrder.objects.filter(pk=order.pk).update(summary=order.summary)
