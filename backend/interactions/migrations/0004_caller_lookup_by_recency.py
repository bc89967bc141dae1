"""The caller lookup reads a surname's requests most recent first, from an index in that
order, and stops after a page (interactions.selectors.caller_lookup): one index over every
request (recent closed ones) and one over open requests only. They replace the surname index
of 0003, a prefix of both.

Written with Django's index classes against intake's table, which this app does not own (so
intake's models do not list them), and built CONCURRENTLY: a city's table of a million
requests keeps taking reports while they are built.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.indexes import OpClass
from django.db import migrations, models
from django.db.models.functions import Collate, Upper
from django.db.models.indexes import IndexExpression

OPEN = ["new", "acknowledged", "in_progress", "on_hold"]
NEWEST_FIRST = (
    models.OrderBy(models.F("created_at"), descending=True, nulls_last=True),
    models.OrderBy(models.F("id"), descending=True),
)


def _surname() -> OpClass:
    # text_pattern_ops: the index serves "starts with" (LIKE 'GAR%') under any collation.
    return OpClass(Upper("requester_last_name"), name="text_pattern_ops")


INDEXES = [
    models.Index(_surname(), *NEWEST_FIRST, name="caller_request_name_idx"),
    models.Index(
        _surname(),
        *NEWEST_FIRST,
        name="caller_request_open_name_idx",
        condition=models.Q(status__in=OPEN),
    ),
]
REPLACED = "caller_request_last_name_idx"
REPLACED_SQL = (
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS caller_request_last_name_idx "
    "ON intake_servicerequest ((UPPER(requester_last_name::text)) text_pattern_ops)"
)


@contextmanager
def _operator_classes() -> Iterator[None]:
    """What django.contrib.postgres registers when installed (it is not, here): an operator
    class written outside the indexed expression's parentheses."""
    before = IndexExpression.wrapper_classes
    IndexExpression.register_wrappers(models.OrderBy, OpClass, Collate)
    try:
        yield
    finally:
        IndexExpression.register_wrappers(*before)


def add(apps: Any, schema_editor: Any) -> None:
    model = apps.get_model("intake", "ServiceRequest")
    with _operator_classes():
        sql = [str(index.create_sql(model, schema_editor, concurrently=True)) for index in INDEXES]
    for index, create in zip(INDEXES, sql, strict=True):
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")
        schema_editor.execute(create)
    schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {REPLACED}")


def remove(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(REPLACED_SQL)
    for index in INDEXES:
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("interactions", "0003_caller_lookup_indexes"),
        ("intake", "0010_translations_sensitive_photos"),
    ]

    operations = [migrations.RunPython(add, remove)]
