"""Query plans that depend on one index only, whatever the table holds.

On the small tables of a test the planner may read any index that happens to serve a query as
cheaply as the one a production table needs. To test that a query matches its index (its
expression, its predicate, its order), every other index of the table is dropped inside a
savepoint that is rolled back, and the scans the test rules out are switched off.
"""

from typing import Any

from django.db import connection, transaction


def plan_with_only(queryset: Any, *, index: str, switched_off: tuple[str, ...]) -> str:
    """EXPLAIN of `queryset` with `index` the table's only index (besides constraints')."""
    with transaction.atomic():
        _drop_other_indexes(queryset.model._meta.db_table, keep=index)
        with connection.cursor() as cursor:
            for switch in switched_off:
                cursor.execute(f"SET LOCAL {switch} = off")
        plan = str(queryset.explain())
        transaction.set_rollback(True)
    return plan


def _drop_other_indexes(table: str, *, keep: str) -> None:
    """Every index of the table but `keep` and those behind constraints (primary key, unique)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.relname FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relname = %s AND i.relname <> %s
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            """,
            [table, keep],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{name}"')
