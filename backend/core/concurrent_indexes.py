"""Indexes that one app's reads need on another app's table, written with Django's index
classes and built CONCURRENTLY: a city's table of a million requests keeps taking reports
while they are built. The owning app's models do not list them (its migrations would try to
own them), so a migration of the reading app builds them with `build_concurrently`, in a
migration with `atomic = False` (CREATE INDEX CONCURRENTLY cannot run in a transaction).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.postgres.indexes import OpClass
from django.db import migrations, models
from django.db.models.functions import Collate
from django.db.models.indexes import IndexExpression


@contextmanager
def _operator_classes() -> Iterator[None]:
    """What django.contrib.postgres registers when installed (it is not, here): an operator
    class is written outside the indexed expression's parentheses."""
    before = IndexExpression.wrapper_classes
    # django-stubs types the arguments as expressions; Django passes (and wants) classes.
    IndexExpression.register_wrappers(models.OrderBy, OpClass, Collate)  # type: ignore[arg-type]
    try:
        yield
    finally:
        IndexExpression.register_wrappers(*before)


def build_concurrently(
    app_label: str,
    model_name: str,
    indexes: Sequence[models.Index],
    *,
    replaces: Sequence[tuple[str, str]] = (),
) -> migrations.RunPython:
    """Build `indexes` on the model's table; drop `replaces` (name, SQL to build it again
    when the migration is reversed) once they are built."""

    def add(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        with _operator_classes():
            sql = [str(i.create_sql(model, schema_editor, concurrently=True)) for i in indexes]
        for index, create in zip(indexes, sql, strict=True):
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")
            schema_editor.execute(create)
        for name, _sql in replaces:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")

    def remove(apps: Any, schema_editor: Any) -> None:
        for _name, create in replaces:
            schema_editor.execute(create)
        for index in indexes:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {index.name}")

    return migrations.RunPython(add, remove)
