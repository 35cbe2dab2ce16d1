"""A bulk load leaves its tables ready to read: statistics for the planner and the visibility map set, so the first
query after the load (a nationwide selection) neither plans blind nor writes every page it reads."""

import pytest
from django.db import connection

from reservists.demo import seed_registry


def table_state(table: str) -> tuple[int, int, float]:
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.relpages, c.relallvisible, c.reltuples FROM pg_class c WHERE c.relname = %s",
            [table],
        )
        return cur.fetchone()


@pytest.mark.django_db(transaction=True)
def test_seeding_leaves_the_registry_analysed_and_all_visible():
    added = seed_registry(3000)
    assert added == 3000
    pages, visible, tuples = table_state("reservists_reservist")
    assert tuples >= 3000  # ANALYZE ran: the planner knows the rows
    assert pages > 0 and visible == pages  # VACUUM ran: every page all-visible (index-only scans, no hint bits)
    pages, visible, _tuples = table_state("reservists_servicerecord")
    assert pages > 0 and visible == pages
