"""core.rawsql: reads prepared once per database connection, rows as model instances."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import rawsql
from core.models import Region

pytestmark = pytest.mark.django_db


def test_a_prepared_read_survives_a_rollback_and_a_new_connection():
    sql = "SELECT %s::int + %s::int, %s::text"
    assert rawsql.fetch(sql, [1, 2, "a"]) == [(3, "a")]
    other = "SELECT %s::int * 10"
    with pytest.raises(RuntimeError), transaction.atomic():  # PREPARE outlives the (sub)transaction it ran in
        assert rawsql.fetch(other, [2]) == [(20,)]
        raise RuntimeError
    assert rawsql.fetch(other, [3]) == [(30,)]
    # A new session has no prepared statements (as after DEALLOCATE ALL): a new connection is prepared again.
    with connection.connection.cursor() as raw:
        raw.execute("DEALLOCATE ALL")
    rawsql._prepared.pop(connection.connection)
    assert rawsql.fetch(sql, [4, 2, "d"]) == [(6, "d")]
    assert rawsql.fetch(other, [4]) == [(40,)]
    assert rawsql.fetch("SELECT 'no parameters'", []) == [("no parameters",)]


def test_each_read_is_one_query_and_gives_the_orm_instance():
    region = Region.objects.filter(level="township").first()
    sql = f"SELECT {rawsql.columns(Region, 'x')} FROM {Region._meta.db_table} x WHERE x.id = %s"
    rawsql.fetch(sql, [region.pk])
    with CaptureQueriesContext(connection) as queries:
        (row,) = rawsql.fetch(sql, [region.pk])
    assert len(queries) == 1 and queries[0]["sql"].startswith("EXECUTE ")
    built, _after = rawsql.instance(Region, row)
    assert built == region and built.code == region.code and built.level == region.level
    assert not built._state.adding
