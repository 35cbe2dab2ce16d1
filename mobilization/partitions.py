"""The candidates of one order as one partition of `mobilization_candidate` (see migration 0006).

A selection writes its rows into a new table with no index, builds the indexes afterwards (sorted bulk builds,
parallel where PostgreSQL sees fit) and only then attaches the table as the order's partition, in the same
transaction: nobody sees a half-written selection, and a rollback leaves no table behind. The indexes are built
from the parent's own definitions, so ATTACH adopts them instead of building them again.

Locks: ATTACH takes SHARE UPDATE EXCLUSIVE on the parent (reads and writes of other orders go on; two
selections finishing together attach one after the other). Replacing an earlier selection detaches and drops
its partition, which takes ACCESS EXCLUSIVE on the parent from that moment to the commit: the very end of the
transaction, after the new rows are written and indexed.
"""

from __future__ import annotations

import re
import secrets

from .models import Candidate

PARENT = Candidate._meta.db_table


def partitions_of(cursor, order_id: int) -> list[str]:
    """The partition(s) holding exactly this order (not the default one)."""
    cursor.execute(
        """
        SELECT c.oid::regclass::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = %s::regclass AND pg_get_expr(c.relpartbound, c.oid) = %s
        """,
        [PARENT, f"FOR VALUES IN ('{int(order_id)}')"],
    )
    return [row[0] for row in cursor.fetchall()]


def create(cursor, order_id: int) -> str:
    """A new, empty, unattached table shaped like the parent, accepting only this order's rows."""
    name = f"{PARENT}_o{int(order_id)}_{secrets.token_hex(4)}"
    cursor.execute(f"CREATE TABLE {name} (LIKE {PARENT} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    # The partition bound as a constraint: ATTACH then needs no scan of the new rows to prove it.
    cursor.execute(
        f"ALTER TABLE {name} ADD CONSTRAINT {name}_order CHECK (order_id IS NOT NULL AND order_id = %s)", [order_id]
    )
    return name


def build_indexes(cursor, name: str) -> None:
    """The parent's primary key, unique constraints and indexes, built on the filled table."""
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    cursor.execute(
        """
        SELECT pg_get_indexdef(x.indexrelid), con.contype, pg_get_constraintdef(con.oid)
        FROM pg_index x LEFT JOIN pg_constraint con ON con.conindid = x.indexrelid AND con.conrelid = x.indrelid
        WHERE x.indrelid = %s::regclass ORDER BY x.indexrelid
        """,
        [PARENT],
    )
    for n, (indexdef, contype, condef) in enumerate(cursor.fetchall()):
        if contype in ("p", "u"):
            cursor.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_c{n} {condef}")
        else:
            ddl = re.sub(r"^CREATE (UNIQUE )?INDEX \S+ ON ONLY \S+ ", rf"CREATE \1INDEX ON {name} ", indexdef)
            cursor.execute(ddl)


def analyze(cursor, name: str) -> None:
    """Statistics for the planner, of every column but the reasons (no query filters on them; their jsonb
    statistics cost as much as all the other columns')."""
    columns = ", ".join(
        cursor.db.ops.quote_name(f.column) for f in Candidate._meta.concrete_fields if f.name != "reasons"
    )
    cursor.execute(f"ANALYZE {name} ({columns})")


def drop(cursor, order_id: int) -> None:
    """Remove every candidate of the order: its partitions are detached and dropped, its rows in the default
    partition deleted."""
    for old in partitions_of(cursor, order_id):
        cursor.execute(f"ALTER TABLE {PARENT} DETACH PARTITION {old}")
        cursor.execute(f"DROP TABLE {old}")
    cursor.execute(f"DELETE FROM {PARENT} WHERE order_id = %s", [order_id])


def attach(cursor, order_id: int, name: str) -> None:
    """Make `name` the order's candidates, replacing whatever the order had."""
    drop(cursor, order_id)
    cursor.execute(f"ALTER TABLE {PARENT} ATTACH PARTITION {name} FOR VALUES IN (%s)", [order_id])
