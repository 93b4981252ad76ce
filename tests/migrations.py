"""Moving the test database through the migration graph, for tests of one migration
both ways (tests/events/test_migration_*.py)."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(target: tuple[str, str]) -> MigrationExecutor:
    """Migrate to ``target`` (app, migration); the executor, for its project state."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return executor


def migrate_to_latest() -> None:
    """Every app forward to its last migration, as the other tests expect."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
