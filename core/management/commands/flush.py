"""`flush`, which empties every table with TRUNCATE: the audit table refuses TRUNCATE (core/audit.py), so the
guard is lifted for the flush and put back after it (post_migrate reinstalls it too).

Emptying the whole database is the one deliberate reason to empty the audit log; a database owner could drop
the trigger anyway, so this adds no power, and no setting lifts the guard for any other statement."""

from django.core.management.commands import flush
from django.db import connections

from core.audit import TRUNCATE_GUARD


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass('core_auditevent') IS NOT NULL")
            audited = cursor.fetchone()[0]
            if audited:
                cursor.execute("DROP TRIGGER IF EXISTS audit_no_truncate ON core_auditevent")
        try:
            return super().handle(**options)
        finally:
            if audited:
                with connection.cursor() as cursor:
                    cursor.execute(TRUNCATE_GUARD)
