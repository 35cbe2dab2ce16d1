"""Reference data that migrations load (the rule policy, drill subjects, CI sectors...) after a flush.

`manage.py flush` (and every transactional test's teardown) empties every table but keeps the migration
history, so the data that RunPython migrations wrote would be gone for good. After a flush this replays the
project's RunPython operations in migration order, exactly as `migrate` ran them, on the emptied tables.
"""

from django.apps import apps
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations.special import RunPython


def project_labels() -> set[str]:
    from django.conf import settings

    base = str(settings.BASE_DIR)
    return {c.label for c in apps.get_app_configs() if c.path.startswith(base)}


def replay_data_migrations(using: str = "default") -> int:
    connection = connections[using]
    executor = MigrationExecutor(connection)
    loader = executor.loader
    labels = project_labels()
    replayed = 0
    for migration, _backwards in executor.migration_plan(loader.graph.leaf_nodes(), clean_start=True):
        if migration.app_label not in labels or not any(isinstance(op, RunPython) for op in migration.operations):
            continue
        state = loader.project_state((migration.app_label, migration.name), at_end=False)
        with connection.schema_editor(atomic=True) as editor:
            for operation in migration.operations:
                new_state = state.clone()
                operation.state_forwards(migration.app_label, new_state)
                if isinstance(operation, RunPython):
                    operation.database_forwards(migration.app_label, editor, state, new_state)
                    replayed += 1
                state = new_state
    return replayed
