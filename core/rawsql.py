"""Hand-written SQL for the hottest read paths, giving ordinary model instances.

Compiling a queryset (the ORM's SQLCompiler) costs more Python time than PostgreSQL spends answering a one-row
lookup: a select_related with an ordering is ~1-2 ms of a worker's CPU per query. Where a page is served hundreds
of times a second (the self-service rush, issue 20), the query is written once as SQL and its rows turned into
model instances with `Model.from_db`, the same constructor the ORM uses, so the callers see the same objects.

PostgreSQL returns dates, datetimes and decimals as Python values already; a field that needs a converter (a
JSON field) is not read but left deferred, so a JSON field added later is never read wrongly.
"""

from __future__ import annotations

import functools

from django.db import DEFAULT_DB_ALIAS, connection


@functools.cache
def _fields(model) -> tuple:
    """The concrete fields read as they come from the database: a field that needs a converter (a JSON field)
    is left deferred, and the ORM loads it if it is ever touched."""
    fields = model._meta.concrete_fields
    if not fields[0].primary_key:
        raise TypeError(f"{model.__name__}: instance() expects the primary key as the first column")
    return tuple(f for f in fields if not f.get_db_converters(connection))


@functools.cache
def _names(model) -> tuple[str, ...]:
    return tuple(f.attname for f in _fields(model))


@functools.cache
def columns(model, alias: str) -> str:
    """The model's columns as `alias."column"`, in the order `instance()` reads them."""
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(f.column)}" for f in _fields(model))


def instance(model, row, start: int = 0):
    """(the `model` instance built from `row[start:]`, the index after its columns); None for an all-NULL
    part (the outer side of a LEFT JOIN with no match)."""
    names = _names(model)
    end = start + len(names)
    values = row[start:end]
    if values[0] is None:  # the primary key comes first and is never NULL for a real row
        return None, end
    return model.from_db(DEFAULT_DB_ALIAS, names, values), end


def fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
