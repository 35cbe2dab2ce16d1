"""Set-based selection: the rules of rules.py for a whole target population in one INSERT ... SELECT.

Every check of `rules.evaluate` appears here as a SQL condition over aggregates of the service records
and grants, and the reasons are built as the same JSON objects in the same order, so the stored decision of
each person equals the one-person engine's (tests/test_bulk_property.py checks this on random registries).
Only constants from the policy and the order enter the SQL, all as parameters.
"""

from __future__ import annotations

from django.db import connection

from reservists.models import PriorityGrant, Reservist, ServiceRecord

from . import rules
from .models import Candidate


def _obj(article: str, code_sql: str, item: str | None, effect: str, params_sql: str = "'{}'::jsonb") -> str:
    item_sql = "NULL" if item is None else f"'{item}'"
    return (
        f"jsonb_build_object('article', '{article}', 'item', {item_sql}, 'code', {code_sql}, "
        f"'effect', '{effect}', 'params', {params_sql})"
    )


def _when(cond: str, obj: str) -> str:
    return f"CASE WHEN {cond} THEN {obj} END"


def _conds(reasons: list[str]) -> list[str]:
    return [r[len("CASE WHEN ") : r.rindex(" THEN jsonb_build_object(")] for r in reasons]


def window_cutoff(start, years: int):
    """The earliest retirement date whose N-th anniversary (rules.add_years) is on or after `start`."""
    import datetime

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
):
    """(sql, params) inserting the candidates of the target population for `order_id`."""
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
    c_table = Candidate._meta.db_table

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
    reasons = [_when("t.status <> 'active'", _obj("24", "'registry.' || t.status", "1", rules.INELIGIBLE))]
    inel = ["t.status <> 'active'"]
    counted = rules.counted_types(kind, policy)
    params["counted"] = list(counted) or ["-"]
    params["relevant"] = list(counted) + ([rules.TEMPORARY] if kind == rules.TEMPORARY else [])

    if kind == rules.TEMPORARY:
        if proposal.wartime:
            reasons.append(_when("TRUE", _obj("26", "'art26.wartime_as_general'", "2", "info")))
        else:
            params["cap"] = policy.temporary_cap_days
            cond = "coalesce(s.temp_days, 0) + %(days)s > %(cap)s"
            inel.append(cond)
            reasons.append(
                _when(
                    cond,
                    _obj(
                        "26",
                        "'art26.cap_exceeded'",
                        "2",
                        rules.INELIGIBLE,
                        "jsonb_build_object('served', coalesce(s.temp_days, 0), 'days', %(days)s, 'cap', %(cap)s)",
                    ),
                )
            )

    lim = rules.limits(kind, policy, overrides)
    if lim is not None:
        article, (p_window, p_times, p_days), (e_window, e_times, e_days) = lim
        pfx = f"art{article}"
        params.update(
            p_window=p_window, p_times=p_times, p_days=p_days, e_window=e_window, e_times=e_times, e_days=e_days
        )
        e_until = "(t.retirement_date + make_interval(years => %(e_window)s))::date"
        # "start > retirement + N years" as a plain comparison with the first retirement date still inside.
        params["e_cutoff"] = window_cutoff(proposal.start_date, e_window)
        params["p_cutoff"] = window_cutoff(proposal.start_date, p_window)
        expired = "t.retirement_date < %(e_cutoff)s"
        inel.append(expired)
        reasons.append(
            _when(
                expired,
                _obj(
                    article,
                    f"'{pfx}.window_expired'",
                    None,
                    rules.INELIGIBLE,
                    f"jsonb_build_object('years', %(e_window)s, 'until', to_char({e_until}, 'YYYY-MM-DD'))",
                ),
            )
        )
        reasons.append(
            _when(
                f"NOT ({expired}) AND t.retirement_date < %(p_cutoff)s",
                _obj(article, f"'{pfx}.window_override'", None, "info", "jsonb_build_object('years', %(e_window)s)"),
            )
        )
        # The number of days is the order's, the same for everyone: decided here, in Python.
        if proposal.days > e_days:
            inel.append("TRUE")
            reasons.append(
                _when(
                    "TRUE",
                    _obj(
                        article,
                        f"'{pfx}.days_exceeded'",
                        None,
                        rules.INELIGIBLE,
                        "jsonb_build_object('days', %(days)s, 'max', %(e_days)s)",
                    ),
                )
            )
        elif proposal.days > p_days:
            reasons.append(
                _when(
                    "TRUE",
                    _obj(
                        article,
                        f"'{pfx}.days_override'",
                        None,
                        "info",
                        "jsonb_build_object('days', %(days)s, 'max', %(e_days)s)",
                    ),
                )
            )
        n = "coalesce(s.n, 0)"
        too_many = f"{n} + 1 > %(e_times)s"
        inel.append(too_many)
        reasons.append(
            _when(
                too_many,
                _obj(
                    article,
                    f"'{pfx}.count_exceeded'",
                    None,
                    rules.INELIGIBLE,
                    f"jsonb_build_object('count', {n}, 'max', %(e_times)s)",
                ),
            )
        )
        reasons.append(
            _when(
                f"NOT ({too_many}) AND {n} + 1 > %(p_times)s",
                _obj(
                    article,
                    f"'{pfx}.count_override'",
                    None,
                    "info",
                    f"jsonb_build_object('count', {n}, 'max', %(e_times)s)",
                ),
            )
        )

    inel_sql = " OR ".join(f"({c})" for c in inel)
    needs_services = kind in (rules.TEMPORARY, rules.EDUCATIONAL, rules.DUTY, rules.ROLL_CALL) and not (
        kind == rules.TEMPORARY and proposal.wartime
    )
    restrict_services = "AND sr.reservist_id IN (SELECT id FROM t)" if len(where) > 1 else ""
    services_cte = (
        f"""
        s AS MATERIALIZED (
            SELECT sr.reservist_id,
                   count(*) FILTER (WHERE sr.mobilization_type = ANY(%(counted)s)) AS n,
                   sum(sr.days) FILTER (WHERE sr.mobilization_type = 'temporary') AS temp_days
            FROM {s_table} sr
            WHERE sr.start_date < %(start)s AND sr.mobilization_type = ANY(%(relevant)s) {restrict_services}
            GROUP BY sr.reservist_id
        ),"""
        if needs_services
        else "s AS (SELECT NULL::bigint AS reservist_id, 0 AS n, 0 AS temp_days WHERE FALSE),"
    )
    sql = f"""
    WITH t AS (
        SELECT r.id, r.township_id, r.specialty, r.status, r.retirement_date
        FROM {r_table} r WHERE {" AND ".join(where)}
    ),
    {services_cte}
    g AS (
        SELECT x.reservist_id,
               jsonb_agg(jsonb_build_object(
                   'article', substr(x.basis, 4, 2), 'item', split_part(x.basis, '.', 2), 'code', x.basis,
                   'effect', x.kind, 'params', '{{}}'::jsonb) ORDER BY x.basis) AS reasons,
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
        SELECT t.id, t.township_id, t.specialty, t.retirement_date,
               CASE WHEN {inel_sql} THEN 3 WHEN g.succ THEN 2 WHEN g.lat THEN 1 ELSE 0 END AS dorder,
               CASE WHEN {" OR ".join(f"({c})" for c in _conds(reasons))} OR g.reasons IS NOT NULL
                    THEN to_jsonb(array_remove(ARRAY[{", ".join(reasons)}]::jsonb[], NULL))
                         || coalesce(g.reasons, '[]'::jsonb)
                    ELSE '[]'::jsonb END AS reasons
        FROM t LEFT JOIN s ON s.reservist_id = t.id LEFT JOIN g ON g.reservist_id = t.id
    ),
    ranked AS (
        SELECT d.*, (ARRAY['eligible', 'later', 'successive', 'ineligible'])[d.dorder + 1] AS decision,
               row_number() OVER (ORDER BY d.dorder, d.retirement_date DESC, d.id) AS position
        FROM d
    )
    INSERT INTO {c_table} (order_id, reservist_id, township_id, specialty, decision, reasons, rank,
                           policy_version, excluded, exclusion_reason, added_manually, added_reason)
    SELECT %(order)s, id, township_id, specialty, decision, reasons,
           CASE WHEN decision IN ('eligible', 'later') THEN position END,
           %(pv)s, FALSE, '', %(manual)s, ''
    FROM ranked ORDER BY dorder, retirement_date DESC, id  -- the window's order: no second sort
    """
    if bare:  # the same decisions without storing them (benchmark of the query alone)
        sql = (
            sql[: sql.index("INSERT INTO")]
            + "SELECT count(*), count(*) FILTER (WHERE decision = 'eligible'), "
            + "sum(jsonb_array_length(reasons)), max(position) FROM ranked"
        )
    return sql, params


def tune(cursor) -> None:
    """Session settings for this statement, local to the transaction: hash aggregates and in-memory sorts over
    a million rows instead of index walks and disk merges; JIT compiling costs more than it saves here."""
    cursor.execute("SET LOCAL work_mem = '256MB'")
    cursor.execute("SET LOCAL jit = off")


def insert_candidates(**kwargs) -> int:
    sql, params = build_sql(**kwargs)
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            tune(cursor)
        cursor.execute(sql, params)
        return cursor.rowcount
